package org.cbec.gateway.outbound;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerOutbound;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.cbec.gateway.signature.as4.As4Answer;
import org.cbec.gateway.signature.as4.As4SecurityVerifier;
import org.cbec.gateway.signature.as4.As4UserMessageWriter;
import org.cbec.gateway.signature.as4.EbmsHeader;

/**
 * {@code as4} (CONTRACT.md §8): the same AS4 implementation as the gateway's {@code /as4} inbound side, as a sender. One
 * eDelivery UserMessage per attempt from {@code gateway.as4.party-id} to the partner's {@code as4.partyId}, Service
 * {@code gateway.as4.service}, Action {@code Deliver}; the rendered document (the content of the gateway's CMS SignedData)
 * is the one attachment, gzip-compressed, signed with the gateway key, encrypted to {@code outbound.encryptCert} when the
 * partner file names one. Each attempt has an eb:MessageId of its own (the idempotency key, then a part unique to the
 * attempt): phase4, for one, records an eb:MessageId even when its back office refused the message and answers every later
 * message with that id with an EBMS:0004 "already handled" error, so a retry under the same id could never succeed. The
 * idempotency key, the same on every attempt, travels as the MessageProperty {@code idempotencyKey} (and the gateway's
 * messageId as the ConversationId): a partner de-duplicates on it, as on the {@code Idempotency-Key} of {@code cms-https}.
 *
 * <p>Delivered only on the partner's synchronous eb:Receipt, signed (verified by the inbound side's own
 * {@link As4SecurityVerifier#verifySignal}), by a certificate chaining to {@code outbound.receiptAnchors}, answering this
 * eb:MessageId, with NonRepudiationInformation naming exactly the ds:References the gateway signed. Anything else is a
 * failed attempt whose text starts with one of the stable codes below, retried and dead-lettered by {@link OutboundDelivery}.
 */
public final class As4Transport implements OutboundTransport {
    /** The action of every outbound UserMessage. */
    public static final String ACTION = "Deliver";
    /** The gateway could not build the signed (and encrypted) message: its key, the partner's certificate or the queued document. */
    public static final String NOT_BUILT = "AS4_MESSAGE_NOT_BUILT";
    /** The partner could not be reached, or answered other than HTTP 200. */
    public static final String UNREACHABLE = "AS4_PARTNER_UNREACHABLE";
    /** The partner answered with an eb:Error (it did not take the message). */
    public static final String PARTNER_ERROR = "AS4_PARTNER_ERROR";
    /** The answer is no signed eb:Receipt for this message, or its signature, signer or NonRepudiationInformation does not hold. */
    public static final String RECEIPT_INVALID = "AS4_RECEIPT_INVALID";

    /** The gateway's own AS4 identity and business information (the {@code gateway.as4.*} settings). */
    public record Identity(String partyId, String partyIdType, String service) {}

    private final As4UserMessageWriter writer;
    private final As4SecurityVerifier verifier;
    private final Identity identity;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param signingKey the gateway's key: it signs every UserMessage and is the receipt verifier's decryption key;
     *     the writer and the verifier are built from it here, as every caller built them from the one key
     * @param maxPayloadBytes the receipt verifier's limit on a decrypted payload
     */
    public As4Transport(
            GatewaySigningKey signingKey,
            long maxPayloadBytes,
            Identity identity,
            SSLContext tls,
            Duration timeout,
            Clock clock) {
        this.writer = new As4UserMessageWriter(signingKey);
        this.verifier = new As4SecurityVerifier(signingKey, maxPayloadBytes);
        this.identity = identity;
        this.timeout = timeout;
        this.clock = clock;
        this.http = OutboundTransport.httpClient(tls, timeout);
    }

    @Override
    public String name() {
        return PartnerOutbound.AS4;
    }

    /** The eb:MessageId of one attempt: the idempotency key, then a part of the attempt's own, as an RFC 2822 msg-id. */
    String ebmsMessageId(String idempotencyKey) {
        return idempotencyKey.replaceAll("[^A-Za-z0-9._-]", ".") + "."
                + java.util.UUID.randomUUID().toString().substring(0, 8) + "@"
                + identity.partyId().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    }

    @Override
    public Result send(Document document, Partner partner) {
        PartnerOutbound outbound = partner.outbound();
        byte[] content;
        try {
            content = (byte[])
                    new CMSSignedData(document.signed()).getSignedContent().getContent();
        } catch (CMSException | RuntimeException e) {
            return Result.failed(NOT_BUILT + ": the queued document cannot be opened: " + e.getMessage());
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("originalSender", identity.partyId());
        properties.put("finalRecipient", partner.as4().partyId());
        properties.put("legalBasis", document.legalBasis());
        properties.put("idempotencyKey", document.idempotencyKey());
        String ebmsId = ebmsMessageId(document.idempotencyKey());
        As4UserMessageWriter.Written written;
        try {
            written = writer.write(
                    new As4UserMessageWriter.Message(
                            new EbmsHeader(
                                    ebmsId,
                                    clock.instant(),
                                    identity.partyId(),
                                    identity.partyIdType(),
                                    partner.as4().partyId(),
                                    partner.as4().partyIdType(),
                                    identity.service(),
                                    ACTION,
                                    document.messageId(),
                                    properties),
                            content,
                            mimeType(outbound.format())),
                    outbound.encryptCert());
        } catch (GatewayException e) {
            return Result.failed(NOT_BUILT + ": the AS4 message cannot be built: " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(outbound.url())
                .timeout(timeout)
                .header("Content-Type", written.contentType())
                .header("MIME-Version", "1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(written.body()))
                .build();
        Exchange exchange = OutboundTransport.exchange(http, request);
        if (exchange.unreachable() != null) {
            return Result.failed(UNREACHABLE + ": " + exchange.unreachable());
        }
        HttpResponse<byte[]> response = exchange.response();
        if (response.statusCode() != 200 && response.body().length == 0) {
            return Result.failed(UNREACHABLE + ": the partner's access point at " + outbound.url() + " answered HTTP "
                    + response.statusCode());
        }
        String problem = null;
        As4Answer answer;
        try {
            answer = As4Answer.parse(
                    response.body(),
                    response.headers().firstValue("Content-Type").orElse(null));
        } catch (IllegalArgumentException | GatewayException e) {
            return Result.failed((response.statusCode() == 200 ? RECEIPT_INVALID : UNREACHABLE) + ": HTTP "
                    + response.statusCode() + ", no AS4 signal for " + ebmsId + ": " + e.getMessage());
        }
        if (!answer.errors().isEmpty()) {
            return Result.failed(PARTNER_ERROR + ": the partner answered " + ebmsId + " with eb:Error "
                    + answer.errors().stream()
                            .map(error -> error.code() + " (" + error.severity() + ") " + error.shortDescription()
                                    + ": " + error.description())
                            .collect(Collectors.joining("; ")));
        }
        if (!answer.isReceipt()) {
            problem = "the signal is neither an eb:Receipt nor an eb:Error";
        } else if (!ebmsId.equals(answer.refToMessageId())) {
            problem = "the eb:Receipt answers " + answer.refToMessageId() + ", not " + ebmsId;
        }
        if (problem == null) {
            problem = signatureProblem(answer, outbound.receiptAnchors());
        }
        if (problem == null) {
            problem = answer.nonRepudiationProblem(written.references());
        }
        if (problem != null) {
            return Result.failed(RECEIPT_INVALID + ": " + problem);
        }
        return Result.delivered(
                response.body(),
                "eb:Receipt for " + ebmsId + " verified (signed by the partner, NonRepudiationInformation of "
                        + written.references().size() + " references)"
                        + (outbound.encryptCert() != null ? ", payload encrypted" : ""),
                asEvidence(written));
    }

    private String signatureProblem(As4Answer answer, List<X509Certificate> anchors) {
        As4SecurityVerifier.Signed signed;
        try {
            signed = verifier.verifySignal(answer.envelope());
        } catch (GatewayException e) {
            return "the eb:Receipt's signature: " + e.getMessage();
        }
        List<X509Certificate> path = new ArrayList<>();
        path.add(signed.signer());
        for (X509Certificate carried : signed.carried()) {
            if (!carried.equals(signed.signer())
                    && !carried.getSubjectX500Principal().equals(carried.getIssuerX500Principal())) {
                path.add(carried);
            }
        }
        String chain = CmsHttpsTransport.chainProblem(path, anchors);
        return chain == null ? null : "the eb:Receipt " + chain.replaceFirst("^its ", "whose ");
    }

    /** The request as it went: its Content-Type line, a blank line, then the exact multipart body. */
    private static byte[] asEvidence(As4UserMessageWriter.Written written) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("Content-Type: " + written.contentType() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(written.body());
        return out.toByteArray();
    }

    private static String mimeType(String format) {
        if (format.endsWith("-json")) {
            return "application/json";
        }
        if (format.endsWith("-xml")) {
            return "application/xml";
        }
        return format.endsWith("-csv") ? "text/csv" : "application/octet-stream";
    }
}
