package org.cbec.gateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;
import org.cbec.gateway.signature.CmsSignedDataVerifier;
import org.cbec.gateway.signature.SignatureContainer;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.signature.jws.JwsVerifier;
import org.cbec.gateway.signature.smime.SmimeDetachedVerifier;
import org.cbec.gateway.signature.soap.WsSecurityVerifier;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.cbec.gateway.translate.AeoStatusCsvTranslator;
import org.cbec.gateway.translate.AeoStatusJsonTranslator;
import org.cbec.gateway.translate.AeoStatusList;
import org.cbec.gateway.translate.AeoStatusXmlTranslator;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.EcomShipmentJsonTranslator;
import org.cbec.gateway.translate.EdifactCuscarTranslator;
import org.cbec.gateway.translate.FormatRecognizer;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translator;
import org.cbec.gateway.translate.Translators;
import org.cbec.gateway.translate.WcoDeclarationXmlTranslator;

/**
 * Coverage-guided fuzz targets for every translator and container parser. In an ordinary test run each
 * replays its seed corpus (src/test/resources/org/cbec/gateway/fuzz/ParserFuzzTestInputs/METHOD/) as a
 * regression test; with {@code JAZZER_FUZZ=1} it fuzzes (see bench/README.md). The property: hostile bytes
 * give a translation with located errors, or a GatewayException with a code; never anything else.
 */
class ParserFuzzTest {
    private static final TranslationContext CONTEXT = new TranslationContext("CN-GACC", "01JD0000000000000000000000");
    private static final CmsSignedDataVerifier CMS = new CmsSignedDataVerifier();
    private static final SmimeDetachedVerifier SMIME = new SmimeDetachedVerifier();
    private static final JwsVerifier JWS = new JwsVerifier();
    private static final XmlSignatureVerifier XMLDSIG = new XmlSignatureVerifier();
    /**
     * The seeds are signed once and kept: with the gateway's window of minutes every signed seed would be stale soon
     * after it was made, and the fuzzer would stop at the Timestamp, before the checks of what the signature covers.
     * Created must still lie within the last 68 years and not in the future, and Expires must not have passed.
     */
    private static final WsSecurityVerifier SOAP = new WsSecurityVerifier(Integer.MAX_VALUE, 600);

    @FuzzTest(maxDuration = "10s")
    void aeoStatusCsv(byte[] input) {
        translate(new AeoStatusCsvTranslator(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void aeoStatusJson(byte[] input) {
        translate(new AeoStatusJsonTranslator(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void aeoStatusXml(byte[] input) {
        translate(new AeoStatusXmlTranslator(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void ecomShipmentJson(byte[] input) {
        translate(new EcomShipmentJsonTranslator(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void wcoDeclarationXml(byte[] input) {
        translate(new WcoDeclarationXmlTranslator(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void edifactCuscar(byte[] input) {
        translate(new EdifactCuscarTranslator(), input);
    }

    @FuzzTest(maxDuration = "10s")
    void formatRecognizer(byte[] input) {
        FormatRecognizer.recognise(input);
    }

    @FuzzTest(maxDuration = "10s")
    void cmsContainer(byte[] input) {
        open(CMS, input, "application/pkcs7-mime");
    }

    /**
     * CMS read in place (part of a larger buffer) against the same bytes read whole: both refuse, or both accept
     * the same content from the same signer. Reading in place must never let through what reading whole refuses.
     */
    @FuzzTest(maxDuration = "10s")
    void cmsContainerInPlace(byte[] input) {
        byte[] buffer = new byte[input.length + 7];
        System.arraycopy(input, 0, buffer, 3, input.length);
        SignedDocument inPlace =
                opened(() -> CMS.open(ReceivedBody.of(buffer, 3, input.length), "application/pkcs7-mime"));
        SignedDocument whole = opened(() -> CMS.verify(input));
        if ((inPlace == null) != (whole == null)) {
            throw new AssertionError("read in place " + (inPlace == null ? "refused" : "accepted") + " what read whole "
                    + (whole == null ? "refused" : "accepted"));
        }
        if (inPlace != null
                && (!java.util.Arrays.equals(inPlace.content(), whole.content())
                        || !inPlace.signer().equals(whole.signer()))) {
            throw new AssertionError("read in place gave other content or another signer than read whole");
        }
    }

    /**
     * A document read in place (part of a larger buffer, between bytes that would change its meaning if they were
     * read) against the same bytes read whole: the same format, the same list type, the same translation or the
     * same refusal. The intake reads every body in place. Recognition and the list type read in place for every format,
     * and so does the CSV translator; the other translators copy the bytes first, so for them this target only checks
     * that nothing escapes.
     */
    @FuzzTest(maxDuration = "10s")
    void documentInPlace(byte[] input) {
        byte[] before = {'"', ',', (byte) 0xFF};
        byte[] after = {',', '"', '\n', '\r', (byte) 0xC3, '{', '<'};
        byte[] buffer = new byte[before.length + input.length + after.length];
        System.arraycopy(before, 0, buffer, 0, before.length);
        System.arraycopy(input, 0, buffer, before.length, input.length);
        System.arraycopy(after, 0, buffer, before.length + input.length, after.length);
        ReceivedBody inPlace = ReceivedBody.of(buffer, before.length, input.length);

        Optional<DocumentFormat> format = Translators.standard().recognise(inPlace);
        same("format", format, Translators.standard().recognise(input));
        if (format.isEmpty()) {
            return;
        }
        same(
                "list type",
                outcome(() -> AeoStatusList.listType(format.get(), inPlace)),
                outcome(() -> AeoStatusList.listType(format.get(), input)));
        if (Translators.standard().supports(format.get())) {
            same(
                    "translation",
                    outcome(() -> Translators.standard().translate(format.get(), inPlace, CONTEXT)),
                    outcome(() -> Translators.standard().translate(format.get(), input, CONTEXT)));
        }
    }

    /** What a call gave: its value, or the code it was refused with. */
    private static Object outcome(java.util.function.Supplier<?> call) {
        try {
            return call.get();
        } catch (GatewayException refused) {
            return refused.error();
        }
    }

    private static void same(String what, Object inPlace, Object whole) {
        if (!java.util.Objects.equals(inPlace, whole)) {
            throw new AssertionError(what + " read in place: " + inPlace + "; read whole: " + whole);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void smimeContainer(byte[] input) {
        open(
                SMIME,
                input,
                "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"B\"");
    }

    @FuzzTest(maxDuration = "10s")
    void jwsContainer(byte[] input) {
        open(JWS, input, "application/jose");
    }

    @FuzzTest(maxDuration = "10s")
    void xmlSignatureContainer(byte[] input) {
        open(XMLDSIG, input, "application/xml");
    }

    @FuzzTest(maxDuration = "10s")
    void soapContainer(byte[] input) {
        open(SOAP, input, "application/soap+xml");
    }

    private static void translate(Translator translator, byte[] input) {
        translator.translate(input, CONTEXT);
    }

    /** The verified document, or null for a refusal with a code. */
    private static SignedDocument opened(java.util.function.Supplier<SignedDocument> opening) {
        try {
            return opening.get();
        } catch (GatewayException refused) {
            return null;
        }
    }

    private static void open(SignatureContainer container, byte[] input, String contentType) {
        try {
            container.open(input, contentType);
        } catch (GatewayException refused) {
            // A refusal with a code is the expected answer to hostile bytes.
        }
    }
}
