package org.cbec.gateway.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.error.SenderText;
import org.cbec.gateway.http.HttpAnswer;
import org.cbec.gateway.signature.soap.WsSecurityResponseSigner;

/**
 * The SOAP 1.2 entry point at {@code /soap/v1/exchange}: the same intake, policy and evidence as HTTP;
 * answers are WS-Security signed SOAP responses, refusals SOAP faults carrying the same codes.
 */
public final class SoapExchange {
    public static final String SOAP_CONTENT_TYPE = "application/soap+xml; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WSDL = wsdlTemplate();

    private final InboundIntake intake;
    private final WsSecurityResponseSigner responseSigner;

    public SoapExchange(InboundIntake intake, WsSecurityResponseSigner responseSigner) {
        this.intake = intake;
        this.responseSigner = responseSigner;
    }

    /** The case of one SOAP request for routes/inbound-intake: its container is SOAP, whatever the Content-Type. */
    public IntakeCase receive(
            @Body byte[] body,
            @Header("Content-Type") String contentType,
            @Header(org.cbec.gateway.http.TransportSecurity.PARTNER_HEADER) String tlsPartner) {
        return intake.receive(
                org.cbec.gateway.evidence.ReceivedBody.of(body),
                contentType,
                ContainerType.SOAP,
                org.cbec.gateway.http.TransportSecurity.sameAs(tlsPartner));
    }

    /** The SOAP answer to a decision: a signed response with the receipt, or a fault. */
    public HttpAnswer answer(@Body IntakeDecision decision) {
        if (decision.verdict() == org.cbec.gateway.evidence.Verdict.REJECTED) {
            return signed(fault(decision.error(), decision.detail(), decision.messageId()));
        }
        JsonNode receipt;
        try {
            receipt = JSON.readTree(decision.receiptJson());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "the receipt cannot be read", e);
        }
        String envelope = "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>"
                + "<ex:SubmitDocumentResponse xmlns:ex=\"urn:cbec:gateway:exchange:1\">"
                + element("MessageId", receipt.path("messageId").asText())
                + element("Partner", receipt.path("partner").asText())
                + element("DocumentFormat", receipt.path("documentFormat").asText())
                + element("Records", receipt.path("records").asText())
                + element("Sha256", receipt.path("sha256").asText())
                + element("ReceivedAt", receipt.path("receivedAt").asText())
                + element("Status", receipt.path("status").asText())
                + "</ex:SubmitDocumentResponse></soap:Body></soap:Envelope>";
        return new HttpAnswer(200, SOAP_CONTENT_TYPE, responseSigner.sign(envelope), Map.of());
    }

    /** The WSDL, with this endpoint's address as the client called it. */
    public HttpAnswer wsdl(@Header("CamelHttpUrl") String requestUrl) {
        String endpoint = endpointOf(requestUrl);
        return new HttpAnswer(
                200,
                "text/xml; charset=utf-8",
                WSDL.replace("${endpoint}", endpoint).getBytes(StandardCharsets.UTF_8),
                Map.of());
    }

    /** This endpoint's URL from the URL the WSDL was asked at; only scheme, host and port are kept from it. */
    static String endpointOf(String requestUrl) {
        try {
            java.net.URI uri = java.net.URI.create(requestUrl);
            return new java.net.URI(
                            uri.getScheme(), null, uri.getHost(), uri.getPort(), "/soap/v1/exchange", null, null)
                    .toString();
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return "http://localhost/soap/v1/exchange";
        }
    }

    /** A failure the intake did not decide on (a broker outage, say), as a fault. */
    public HttpAnswer failure(@Body HttpAnswer problem) {
        try {
            JsonNode node = JSON.readTree(problem.content());
            return signed(fault(
                            GatewayError.valueOf(node.path("code").asText("INTERNAL_ERROR")),
                            node.path("detail").asText(),
                            null)
                    .withRetryAfter(problem.retryAfter()));
        } catch (IOException | IllegalArgumentException e) {
            return signed(fault(GatewayError.INTERNAL_ERROR, "the gateway failed", null));
        }
    }

    /** Faults are signed like answers, so a partner can prove what the gateway refused, and why. */
    private HttpAnswer signed(HttpAnswer unsigned) {
        return new HttpAnswer(
                unsigned.status(),
                unsigned.contentType(),
                responseSigner.sign(new String(unsigned.content(), StandardCharsets.UTF_8)),
                unsigned.headers());
    }

    static HttpAnswer fault(GatewayError error, String detail, String messageId) {
        String code = error.httpStatus() >= 500 ? "soap:Receiver" : "soap:Sender";
        String envelope =
                "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:ex=\"urn:cbec:gateway:exchange:1\">"
                        + "<soap:Body><soap:Fault>"
                        + "<soap:Code><soap:Value>" + code + "</soap:Value><soap:Subcode><soap:Value>ex:" + error.code()
                        + "</soap:Value></soap:Subcode></soap:Code>"
                        + "<soap:Reason><soap:Text xml:lang=\"en\">"
                        + escape(error.code() + ": " + SenderText.clean(error, detail)) + "</soap:Text></soap:Reason>"
                        + "<soap:Detail><ex:Refusal>" + element("Code", error.code())
                        + (messageId == null ? "" : element("MessageId", messageId)) + "</ex:Refusal></soap:Detail>"
                        + "</soap:Fault></soap:Body></soap:Envelope>";
        // Every fault is HTTP 500, as Apache CXF and most SOAP stacks send and expect (a CXF client reads a 400 as a
        // transport error).
        return new HttpAnswer(500, SOAP_CONTENT_TYPE, envelope.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static String element(String name, String value) {
        return "<ex:" + name + ">" + escape(value) + "</ex:" + name + ">";
    }

    private static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String wsdlTemplate() {
        try (InputStream in = SoapExchange.class.getResourceAsStream("/wsdl/exchange.wsdl")) {
            if (in == null) {
                throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "the WSDL is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "the WSDL cannot be read", e);
        }
    }
}
