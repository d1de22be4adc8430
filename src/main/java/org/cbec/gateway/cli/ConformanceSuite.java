package org.cbec.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.signature.CmsSigner;
import org.cbec.gateway.translate.AeoStatusCsvTranslator;

/**
 * A partner's conformance test set, made fresh for every run (new AEO ids and waybills, so no case is
 * ever a duplicate of an earlier run), sent to a running gateway, each answer checked against the contract.
 * For each message type the partner may send: a valid document is accepted, the same bytes again are a
 * duplicate of it, a flipped content byte breaks the signature, a document breaking its format's rules is
 * SCHEMA_INVALID, a signer no partner knows is UNKNOWN_SIGNER, and the accepted message is FORWARDED.
 */
final class ConformanceSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    /** One case's outcome: what the contract expects, what the gateway answered, and why it failed if it did. */
    record Result(String name, String expected, String got, boolean passed, String note) {
        static Result of(String name, String expected, String got) {
            return new Result(name, expected, got, expected.equals(got), "");
        }

        Result because(String why) {
            return new Result(name, expected, got, passed, passed ? "" : why);
        }
    }

    /** A business document of one message type, valid or breaking its format's rules. */
    private record TestDocument(String format, byte[] valid, byte[] schemaInvalid) {}

    private final GatewayClient gateway;
    private final CmsSigner partnerSigner;
    private final CmsSigner strangerSigner;
    private final Partner partner;
    private final Duration forwardTimeout;
    private final String run = String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L));

    /** The stranger, a signer no partner knows, is the suite's own: made here with a fresh self-signed key. */
    ConformanceSuite(
            GatewayClient gateway, CmsSigner partnerSigner, Partner partner, Duration forwardTimeout, Clock clock) {
        this.gateway = gateway;
        this.partnerSigner = partnerSigner;
        this.strangerSigner = new CmsSigner(
                CertsCommand.Init.selfSignedSigner("Conformance Stranger (unknown to every partner)"), clock);
        this.partner = partner;
        this.forwardTimeout = forwardTimeout;
    }

    /** Runs every case; a gateway that cannot be reached fails the run with an IOException. */
    List<Result> run() throws IOException {
        List<Result> results = new ArrayList<>();
        List<Accepted> accepted = new ArrayList<>();
        for (RecordType type : RecordType.values()) {
            if (partner.maySend(type)) {
                accepted.add(sendCases(type, document(type), results));
            }
        }
        // Forwarding is asynchronous: wait for it only once every message of the run is in.
        for (Accepted message : accepted) {
            results.add(forwarded(message));
        }
        return results;
    }

    /** A message the valid case sent, with its messageId when the gateway accepted it. */
    private record Accepted(String label, Optional<String> messageId) {}

    private Accepted sendCases(RecordType type, TestDocument document, List<Result> results) throws IOException {
        String label = type + " " + document.format();
        byte[] signed = partnerSigner.sign(document.valid());
        GatewayClient.Answer first = gateway.send(signed, GatewayClient.CMS);
        results.add(Result.of(label + ": valid document", "202 ACCEPTED", describe(first))
                .because(first.body()));
        Optional<String> messageId = first.status() == 202 ? Optional.of(field(first, "messageId")) : Optional.empty();

        GatewayClient.Answer again = gateway.send(signed, GatewayClient.CMS);
        String expectedDuplicate = "200 DUPLICATE of " + messageId.orElse("the first");
        results.add(Result.of(
                        label + ": same bytes again",
                        expectedDuplicate,
                        describe(again) + (again.successful() ? " of " + field(again, "messageId") : ""))
                .because(again.body()));

        byte[] tampered = flipContentByte(signed, document.valid());
        results.add(refusal(
                label + ": content byte flipped",
                GatewayError.SIGNATURE_INVALID,
                gateway.send(tampered, GatewayClient.CMS)));

        byte[] invalid = partnerSigner.sign(document.schemaInvalid());
        results.add(refusal(
                label + ": schema-invalid document",
                GatewayError.SCHEMA_INVALID,
                gateway.send(invalid, GatewayClient.CMS)));

        // The valid document again but with a fresh id, so only the signer differs from an accepted message.
        byte[] stranger = strangerSigner.sign(document(type).valid());
        results.add(refusal(
                label + ": self-signed unknown signer",
                GatewayError.UNKNOWN_SIGNER,
                gateway.send(stranger, GatewayClient.CMS)));
        return new Accepted(label, messageId);
    }

    private Result refusal(String name, GatewayError expected, GatewayClient.Answer answer) {
        return Result.of(name, expected.httpStatus() + " " + expected.code(), describe(answer))
                .because(answer.body());
    }

    /** Polls the message API until the message is FORWARDED, a final status, 401, or the timeout. */
    private Result forwarded(Accepted message) throws IOException {
        String name = message.label() + ": forwarded to the national system";
        if (message.messageId().isEmpty()) {
            return Result.of(name, "FORWARDED", "nothing accepted").because("the valid document was not accepted");
        }
        Instant deadline = Instant.now().plus(forwardTimeout);
        String status = "no answer";
        while (true) {
            GatewayClient.Answer answer = gateway.message(message.messageId().get());
            if (answer.status() == 401 || answer.status() == 403) {
                return Result.of(name, "FORWARDED", "HTTP " + answer.status())
                        .because("the message API wants operator credentials: pass "
                                + "--user NAME and set GATEWAY_API_PASSWORD");
            }
            status = answer.status() == 200 ? field(answer, "status") : "HTTP " + answer.status();
            if (status.equals("FORWARDED")
                    || status.equals("DEAD_LETTERED")
                    || Instant.now().isAfter(deadline)) {
                return Result.of(name, "FORWARDED", status)
                        .because("status " + status + " after waiting up to " + forwardTimeout);
            }
            pause();
        }
    }

    // The command line polls a remote gateway: a short pause between two questions is all there is to it.
    private static void pause() throws IOException {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for forwarding", e);
        }
    }

    private TestDocument document(RecordType type) {
        String id = partner.country() + ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L);
        return switch (type) {
            case AEO_STATUS -> aeoStatusCsv(id);
            case ECOM_SHIPMENT -> ecomShipmentJson(id);
        };
    }

    private TestDocument aeoStatusCsv(String aeoId) {
        String changedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String row = aeoId + ",Conformance Test Operator " + run + ",1 Test Road,Testville,00000," + partner.country()
                + ",AEO,ACTIVE,2024-01-01,," + changedAt + ",";
        String invalidRow = aeoId + ",Conformance Test Operator " + run + ",1 Test Road,Testville,00000,"
                + partner.country() + ",AEO,NOT-A-STATUS,first of may,," + changedAt + ",";
        return new TestDocument(
                "aeo-status-csv",
                utf8(AeoStatusCsvTranslator.HEADER + "\n" + row + "\n"),
                utf8(AeoStatusCsvTranslator.HEADER + "\n" + invalidRow + "\n"));
    }

    private TestDocument ecomShipmentJson(String sellerAeoId) {
        String waybill = "CT-" + run + "-" + sellerAeoId;
        String template = """
                {"documentType":"ECOM_SHIPMENT","waybillNo":"%s","masterWaybillNo":"CT-MASTER-%s",
                 "platform":{"id":"PLAT-CONFORMANCE","orderNo":"SO-%s"},
                 "seller":{"name":"Conformance Test Seller","tin":"TIN%s","aeoCode":"%s",
                   "address":{"street":"1 Test Road","city":"Testville","postcode":"00000","countryCode":"%s"}},
                 "buyer":{"name":"Conformance Test Buyer","address":{"street":"2 Test Street","city":"Berlin","postcode":"10115","countryCode":"DE"}},
                 "goods":[{"itemNo":1,"description":"Conformance test item","hsCode":"%s","qty":1,"unit":"PCE",
                   "grossWeightKg":0.5,"price":{"amount":10.00,"currency":"EUR"},"origin":"%s"}],
                 "exportCountry":"%s","destinationCountry":"DE","transportMode":"%s"}
                """;
        String country = partner.country();
        String valid =
                template.formatted(waybill, run, run, run, sellerAeoId, country, "851830", country, country, "4");
        // A 2-digit HS code and transport mode 9 break the format's rules (FORMATS.md).
        String invalid =
                template.formatted(waybill + "-X", run, run, run, sellerAeoId, country, "85", country, country, "9");
        return new TestDocument("ecom-shipment-json", utf8(valid), utf8(invalid));
    }

    /** The signed message with one byte of its encapsulated content changed: the signature no longer covers it. */
    static byte[] flipContentByte(byte[] signed, byte[] content) {
        byte[] tampered = signed.clone();
        int at = indexOf(signed, content);
        if (at < 0) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "the signed message does not carry its content as one block");
        }
        tampered[at + content.length / 2] ^= 0x01;
        return tampered;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** "202 ACCEPTED", "200 DUPLICATE" from a receipt; "403 SIGNATURE_INVALID" from a refusal; the bare status otherwise. */
    private static String describe(GatewayClient.Answer answer) {
        String value = field(answer, answer.successful() ? "status" : "code");
        return value.isEmpty() ? String.valueOf(answer.status()) : answer.status() + " " + value;
    }

    private static String field(GatewayClient.Answer answer, String field) {
        try {
            JsonNode body = JSON.readTree(answer.body());
            return body == null ? "" : body.path(field).asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
