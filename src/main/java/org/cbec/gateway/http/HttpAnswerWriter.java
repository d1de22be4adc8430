package org.cbec.gateway.http;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.error.SenderText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an {@link HttpAnswer} in the body into the HTTP response, and failures into problems. */
public final class HttpAnswerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswerWriter.class);
    /** The header the console's own requests carry. */
    public static final String CONSOLE_HEADER = "X-CBEC-Console";
    /** The exchange property a refusal that must be retried later puts its Retry-After seconds in. */
    public static final String RETRY_AFTER = "gatewayRetryAfter";

    /** Writes the {@link HttpAnswer} body as status, headers and bytes; nothing else of the request goes back. */
    public void write(Exchange exchange) {
        HttpAnswer answer = exchange.getMessage().getBody(HttpAnswer.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        message.setHeader(Exchange.CONTENT_TYPE, answer.contentType());
        for (Map.Entry<String, String> header : answer.headers().entrySet()) {
            message.setHeader(header.getKey(), header.getValue());
        }
        message.setBody(answer.content());
    }

    /** The answer to an exception a route did not expect: a problem with a code, never a stack trace. */
    public void writeFailure(Exchange exchange) {
        problemFor(exchange);
        write(exchange);
    }

    /** Puts the problem for the caught exception in the body, for a route that answers in another form (SOAP). */
    public void problemFor(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        HttpAnswer answer;
        if (failure instanceof GatewayException known
                && (known.error() == GatewayError.INTERNAL_ERROR
                        || known.error() == GatewayError.CONFIGURATION_INVALID)) {
            // the gateway's own failure (a database error, say): its words are for the log, not for the sender
            LOG.error("Failure answering {}: {}", exchange.getFromRouteId(), known.detail(), known);
            answer = HttpAnswer.problem(known.error(), SenderText.INTERNAL, null, null);
        } else if (failure instanceof GatewayException known) {
            answer = HttpAnswer.problem(known.error(), known.detail(), null, null);
            if (known.error() == GatewayError.OVERLOADED) {
                answer = answer.withHeader("Retry-After", "5");
            }
            if (known.error() == GatewayError.TOO_MANY_LOGIN_ATTEMPTS) {
                answer = answer.withHeader("Retry-After", exchange.getProperty(RETRY_AFTER, "60", String.class));
            }
            // Scripts and curl are told they may log in with HTTP Basic; the console (which says who it is)
            // is not, or the browser would put up its own login dialog over the console's.
            if (known.error() == GatewayError.LOGIN_REQUIRED
                    && exchange.getMessage().getHeader(CONSOLE_HEADER) == null) {
                answer = answer.withHeader("WWW-Authenticate", "Basic realm=\"CBEC Gateway\", charset=\"UTF-8\"");
            }
        } else if (failure != null && isBrokerFailure(failure)) {
            LOG.warn("Could not queue a message: {}", failure.toString());
            answer = HttpAnswer.problem(
                            GatewayError.OVERLOADED,
                            "the gateway cannot queue messages just now; retry later",
                            null,
                            null)
                    .withHeader("Retry-After", "30");
        } else {
            LOG.error("Unexpected failure answering {}", exchange.getFromRouteId(), failure);
            answer = HttpAnswer.problem(
                    GatewayError.INTERNAL_ERROR, "the gateway failed; the failure is logged", null, null);
        }
        exchange.getMessage().setBody(answer);
    }

    private static boolean isBrokerFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof jakarta.jms.JMSException || t.getClass().getName().startsWith("org.springframework.jms")) {
                return true;
            }
        }
        return false;
    }
}
