package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * The intake takes the request body as the HTTP server received it: the bytes of its buffer, which is
 * usually larger than the body; any other body is converted to bytes.
 */
class InboundHttpBodyTest {
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void a_server_buffer_larger_than_the_body_gives_the_body_only() {
        Buffer buffer = Buffer.buffer(4096);
        buffer.appendString("the signed body");

        assertThat(InboundHttp.received(exchangeWith(buffer)).bytes())
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("the signed body");
    }

    @Test
    void a_buffer_read_from_part_way_gives_what_is_left() {
        Buffer buffer = Buffer.buffer("headerthe signed body");
        Buffer body = buffer.slice(6, buffer.length());

        assertThat(InboundHttp.received(exchangeWith(body)).bytes())
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("the signed body");
    }

    @Test
    void bytes_text_and_no_body_are_taken_too() {
        assertThat(InboundHttp.received(exchangeWith(new byte[] {1, 2})).bytes())
                .containsExactly(1, 2);
        assertThat(InboundHttp.received(exchangeWith("text")).bytes())
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("text");
        assertThat(InboundHttp.received(exchangeWith(null)).length()).isZero();
    }

    @Test
    void a_signed_receipt_is_asked_for_with_the_cms_media_type() {
        assertThat(InboundHttp.wantsSignedReceipt("application/json, Application/PKCS7-MIME"))
                .isTrue();
        assertThat(InboundHttp.wantsSignedReceipt("application/json")).isFalse();
        assertThat(InboundHttp.wantsSignedReceipt(null)).isFalse();
    }

    private Exchange exchangeWith(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
