package org.cbec.gateway.signature.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestPki.Credential;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

/**
 * An XML document with an enveloped XMLDSig signature, as a partner sends it. Each test is one scenario:
 * what the partner (or an attacker) sends, and the exact outcome. Signatures are made in the test with
 * Santuario over parsed documents and a throwaway PKI.
 */
class XmlSignatureVerifierTest {

    static final String LIST = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AEOStatusList xmlns="urn:cbec:aeo-status:1">
              <MetaData><ResponsibleCountryCode>CN</ResponsibleCountryCode><IssueDateTime>2026-11-28T06:00:00Z</IssueDateTime><ListTypeCode>DELTA</ListTypeCode></MetaData>
              <AuthorisedEconomicOperator Id="op-1">
                <ID>CN1234567890</ID><Name>Shenzhen Bright Export Co. Ltd</Name>
                <Address><Line>88 Keji Road</Line><CityName>深圳</CityName><PostcodeID>518057</PostcodeID><CountryCode>CN</CountryCode></Address>
                <ProgrammeCode>AEO</ProgrammeCode><StatusCode>ACTIVE</StatusCode>
                <EffectiveDate>2019-05-01</EffectiveDate><StatusChangeDateTime>2019-05-01T00:00:00Z</StatusChangeDateTime>
              </AuthorisedEconomicOperator>
            </AEOStatusList>
            """;

    /** The same list without the Id attribute, which the schema does not allow, for the translation test. */
    static final String VALID_LIST = LIST.replace(" Id=\"op-1\"", "");

    private static final XmlSignatureVerifier VERIFIER = new XmlSignatureVerifier();
    private static Credential authority;
    private static Credential signer;

    @BeforeAll
    static void pki() {
        authority = TestPki.certificateAuthority("CN=XML Test Customs CA,O=CN-GACC,C=CN");
        signer = TestPki.signer(authority, "CN=XML Test Signer,O=CN-GACC,C=CN");
    }

    private static SignedDocument open(byte[] body) {
        return VERIFIER.open(body, "application/xml; charset=utf-8");
    }

    private static GatewayError refusal(byte[] body) {
        try {
            SignedDocument opened = open(body);
            throw new AssertionError("expected a refusal, but the signature verified for "
                    + opened.signer().getSubjectX500Principal());
        } catch (GatewayException e) {
            return e.error();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void verifies_an_rsa_sha256_signature_and_yields_the_exact_body_the_signer_the_chain_and_the_algorithm() {
        byte[] signed = XmlSigning.sign(LIST, signer);

        SignedDocument document = open(signed);

        assertThat(document.content()).isEqualTo(signed);
        assertThat(document.signer()).isEqualTo(signer.certificate());
        assertThat(document.carriedCertificates()).containsExactly(signer.certificate(), authority.certificate());
        assertThat(document.algorithm())
                .isEqualTo(new SignatureAlgorithm(
                        "SHA-256", "RSA", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", List.of("SHA-256")));
        assertThat(document.signingTime()).isEmpty();
    }

    @Test
    void finds_the_signer_among_the_carried_certificates_whatever_their_order() {
        byte[] signed = XmlSigning.sign(
                LIST,
                signer,
                new XmlSigning.Options().certificates(List.of(authority.certificate(), signer.certificate())));

        assertThat(open(signed).signer()).isEqualTo(signer.certificate());
    }

    @Test
    void verifies_an_ecdsa_p256_signature() {
        Instant now = Instant.now();
        Credential ecSigner = TestPki.signer(
                authority,
                "CN=XML EC Signer,O=CN-GACC,C=CN",
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)),
                TestPki.ecP256());

        SignedDocument document = open(
                XmlSigning.sign(LIST, ecSigner, new XmlSigning.Options().signatureMethod(XmlSigning.ECDSA_SHA256)));

        assertThat(document.signer()).isEqualTo(ecSigner.certificate());
        assertThat(document.algorithm().scheme()).isEqualTo("ECDSA");
        assertThat(document.algorithm().digest()).isEqualTo("SHA-256");
    }

    @Test
    void gives_content_that_translates_to_the_records_of_the_list() {
        SignedDocument document = open(XmlSigning.sign(VALID_LIST, signer));

        Translation translation = Translators.standard()
                .translate(
                        DocumentFormat.AEO_STATUS_XML,
                        document.content(),
                        new TranslationContext("CN-GACC", "01JDTESTMESSAGE00000000000"));

        assertThat(translation).isInstanceOf(Translation.Records.class);
        assertThat(((Translation.Records) translation).records()).hasSize(1);
    }

    @Test
    void leaves_list_elements_smuggled_into_an_unsigned_signature_object_out_of_the_records() {
        String signed = text(XmlSigning.sign(VALID_LIST, signer));
        String smuggled = "<ds:Object><AuthorisedEconomicOperator xmlns=\"urn:cbec:aeo-status:1\"><ID>CN9999999999</ID>"
                + "<Name>Forged Ltd</Name><Address><CountryCode>CN</CountryCode></Address><ProgrammeCode>AEO</ProgrammeCode>"
                + "<StatusCode>ACTIVE</StatusCode><EffectiveDate>2026-01-01</EffectiveDate>"
                + "<StatusChangeDateTime>2026-01-01T00:00:00Z</StatusChangeDateTime></AuthorisedEconomicOperator></ds:Object>";

        // the enveloped transform leaves the whole ds:Signature, its Objects too, out of what is signed
        SignedDocument document = open(bytes(signed.replace("</ds:Signature>", smuggled + "</ds:Signature>")));
        Translation translation = Translators.standard()
                .translate(
                        DocumentFormat.AEO_STATUS_XML,
                        document.content(),
                        new TranslationContext("CN-GACC", "01JDTESTMESSAGE00000000000"));

        assertThat(((Translation.Records) translation).records())
                .extracting(record -> ((AeoStatusRecord) record).aeoId())
                .containsExactly("CN1234567890");
    }

    @Test
    void yields_the_xades_signing_time_that_a_reference_signs() {
        Instant signingTime = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        SignedDocument document =
                open(XmlSigning.sign(LIST, signer, new XmlSigning.Options().signedSigningTime(signingTime)));

        assertThat(document.signingTime()).contains(signingTime);
    }

    @Test
    void verifies_the_committed_xades_fixture_of_the_translator_golden_files() throws IOException {
        byte[] fixture;
        try (InputStream in =
                getClass().getResourceAsStream("/translate/aeo-status-xml/valid/signed-xades-enveloped.xml")) {
            fixture = in.readAllBytes();
        }

        SignedDocument document = open(fixture);

        assertThat(document.signer().getSubjectX500Principal().getName()).contains("CN=Demo Signer");
        assertThat(document.signingTime()).contains(Instant.parse("2026-11-28T06:00:00Z"));
    }

    @Test
    void ignores_a_xades_signing_time_that_no_reference_signs() {
        byte[] signed = XmlSigning.sign(
                LIST, signer, new XmlSigning.Options().unsignedSigningTime(Instant.parse("2026-11-28T06:00:00Z")));

        assertThat(open(signed).signingTime()).isEqualTo(Optional.empty());
    }

    @Test
    void refuses_a_changed_signed_xades_signing_time_as_signature_invalid() {
        Instant signingTime = Instant.parse("2026-01-01T00:00:00Z");
        String signed = text(XmlSigning.sign(LIST, signer, new XmlSigning.Options().signedSigningTime(signingTime)));

        byte[] refreshed = bytes(
                signed.replace("2026-01-01T00:00:00Z</xades:SigningTime>", "2026-11-28T00:00:00Z</xades:SigningTime>"));

        assertThat(refusal(refreshed)).isEqualTo(GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void refuses_a_byte_changed_in_a_signed_element_as_signature_invalid() {
        String signed = text(XmlSigning.sign(LIST, signer));

        byte[] tampered = bytes(signed.replace("<StatusCode>ACTIVE</StatusCode>", "<StatusCode>REVOKED</StatusCode>"));

        assertThat(tampered).isNotEqualTo(bytes(signed));
        assertThatThrownBy(() -> open(tampered)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID);
            assertThat(e.detail()).contains("changed after it was signed");
        });
    }

    @Test
    void refuses_signed_content_moved_under_a_wrapper_behind_a_forged_list_as_signature_invalid() {
        String signed = text(XmlSigning.sign(LIST, signer)).replaceFirst("<\\?xml[^>]*\\?>", "");
        String forged = LIST.replaceFirst("<\\?xml[^>]*\\?>", "")
                .replace("ACTIVE", "REVOKED")
                .replace("</AEOStatusList>", "<Wrapper>" + signed + "</Wrapper></AEOStatusList>");

        assertThat(refusal(bytes(forged))).isEqualTo(GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void refuses_a_forged_operator_added_beside_the_signed_ones_as_signature_invalid() {
        String signed = text(XmlSigning.sign(LIST, signer));
        String forgedOperator = "<AuthorisedEconomicOperator><ID>CN9999999999</ID><Name>Forged Ltd</Name>"
                + "<Address><CountryCode>CN</CountryCode></Address><ProgrammeCode>AEO</ProgrammeCode>"
                + "<StatusCode>ACTIVE</StatusCode><EffectiveDate>2026-01-01</EffectiveDate>"
                + "<StatusChangeDateTime>2026-01-01T00:00:00Z</StatusChangeDateTime></AuthorisedEconomicOperator>";

        byte[] forged = bytes(signed.replace("<ds:Signature xmlns", forgedOperator + "<ds:Signature xmlns"));

        assertThat(refusal(forged)).isEqualTo(GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void refuses_a_second_signature_as_signature_invalid() {
        byte[] once = XmlSigning.sign(LIST, signer);
        byte[] twice = XmlSigning.sign(once, signer, new XmlSigning.Options());

        assertThatThrownBy(() -> open(twice)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID);
            assertThat(e.detail()).contains("2 ds:Signature elements");
        });
    }

    @Test
    void refuses_a_reference_to_an_element_by_id_as_signature_invalid() {
        byte[] signed = XmlSigning.sign(LIST, signer, new XmlSigning.Options().referenceById("op-1"));

        assertThatThrownBy(() -> open(signed)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error()).isEqualTo(GatewayError.SIGNATURE_INVALID);
            assertThat(e.detail()).contains("URI=\"#op-1\"");
        });
    }

    @Test
    void refuses_the_id_signed_element_moved_into_the_signature_and_replaced_by_a_forgery_as_signature_invalid() {
        String signed = text(XmlSigning.sign(LIST, signer, new XmlSigning.Options().referenceById("op-1")));
        int start = signed.indexOf("<AuthorisedEconomicOperator");
        int end = signed.indexOf("</AuthorisedEconomicOperator>") + "</AuthorisedEconomicOperator>".length();
        String original = signed.substring(start, end);
        String forgedOperator = original.replace(" Id=\"op-1\"", "").replace("ACTIVE", "REVOKED");
        String wrapped = signed.substring(0, start)
                + forgedOperator
                + signed.substring(end)
                        .replace("</ds:Signature>", "<ds:Object>" + original + "</ds:Object></ds:Signature>");

        assertThat(refusal(bytes(wrapped))).isEqualTo(GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void refuses_an_xpath_transform_as_algorithm_not_allowed() {
        String signed = text(XmlSigning.sign(LIST, signer));
        String xpath = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
                + "<ds:XPath>not(ancestor-or-self::*[local-name()='StatusCode'])</ds:XPath></ds:Transform></ds:Transforms>";

        byte[] withXpath = bytes(signed.replaceFirst("</ds:Transforms>", xpath));

        assertThat(refusal(withXpath)).isEqualTo(GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void refuses_a_signature_made_with_a_key_other_than_the_carried_certificate_as_signature_invalid() {
        Credential other = TestPki.signer(authority, "CN=Other Signer,O=CN-GACC,C=CN");

        byte[] signed = XmlSigning.sign(LIST, other, new XmlSigning.Options().certificates(signer.chain()));

        assertThat(refusal(signed)).isEqualTo(GatewayError.SIGNATURE_INVALID);
    }

    @Test
    void refuses_a_signature_without_a_certificate_as_unknown_signer() {
        byte[] signed = XmlSigning.sign(LIST, signer, new XmlSigning.Options().withoutCertificates());

        assertThat(text(signed)).contains("<ds:KeyValue>");
        assertThat(refusal(signed)).isEqualTo(GatewayError.UNKNOWN_SIGNER);
    }

    @Test
    void refuses_a_doctype_as_malformed_message_before_looking_at_the_signature() {
        String signed = text(XmlSigning.sign(LIST, signer));
        String withDoctype = signed.replaceFirst("\\?>", "?><!DOCTYPE AEOStatusList [<!ENTITY name \"Forged Ltd\">]>")
                .replace("Shenzhen Bright Export Co. Ltd", "&name;");

        assertThatThrownBy(() -> open(bytes(withDoctype))).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
            assertThat(e.detail()).contains("DOCTYPE");
        });
    }

    @Test
    void refuses_elements_nested_deeper_than_the_limit_as_malformed_message() {
        String deep = "<a>".repeat(100) + "</a>".repeat(100);

        assertThat(refusal(bytes(deep))).isEqualTo(GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void refuses_a_document_without_a_signature_as_malformed_message() {
        assertThat(refusal(bytes(LIST))).isEqualTo(GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void refuses_a_body_that_is_not_xml_as_malformed_message() {
        assertThat(refusal(bytes("aeo_id,operator_name\n"))).isEqualTo(GatewayError.MALFORMED_MESSAGE);
        assertThat(refusal(new byte[0])).isEqualTo(GatewayError.MALFORMED_MESSAGE);
    }

    @Test
    void reports_a_sha1_signature_with_digest_sha1_for_the_algorithm_policy_to_judge() {
        byte[] signed = XmlSigning.sign(
                LIST,
                signer,
                new XmlSigning.Options().signatureMethod(XmlSigning.RSA_SHA1).digestMethod(XmlSigning.SHA1));

        assertThat(open(signed).algorithm())
                .isEqualTo(new SignatureAlgorithm(
                        "SHA-1", "RSA", "http://www.w3.org/2000/09/xmldsig#rsa-sha1", List.of("SHA-1")));
    }

    @Test
    void reports_a_sha1_reference_digest_under_an_rsa_sha256_signature_as_sha1() {
        byte[] signed = XmlSigning.sign(LIST, signer, new XmlSigning.Options().digestMethod(XmlSigning.SHA1));

        SignatureAlgorithm algorithm = open(signed).algorithm();

        assertThat(algorithm.digest()).isEqualTo("SHA-1");
        assertThat(algorithm.name())
                .isEqualTo("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
                        + " with DigestMethod http://www.w3.org/2000/09/xmldsig#sha1");
    }

    @Test
    void refuses_an_md5_digest_as_algorithm_not_allowed() {
        String signed = text(XmlSigning.sign(LIST, signer));

        byte[] md5 = bytes(signed.replace(
                "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2001/04/xmldsig-more#md5"));

        assertThat(refusal(md5)).isEqualTo(GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void refuses_an_hmac_signature_method_as_algorithm_not_allowed() {
        String signed = text(XmlSigning.sign(LIST, signer));

        byte[] hmac = bytes(signed.replace(
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"));

        assertThat(refusal(hmac)).isEqualTo(GatewayError.ALGORITHM_NOT_ALLOWED);
    }

    /** Found by fuzzing: Santuario decodes the SignatureValue only while it verifies, and failed on it unchecked (a 500). */
    @Test
    void refuses_a_signature_value_that_is_not_base64_as_malformed_message() {
        String signed = text(XmlSigning.sign(LIST, signer));

        // a character after the padding (RSA-2048: always "=="), which no base64 decoder takes
        byte[] broken = bytes(signed.replaceFirst("</ds:SignatureValue>", "A</ds:SignatureValue>"));

        assertRefusedAsUnreadable(broken, "ds:SignatureValue");
    }

    /**
     * The same for a DigestValue, which Santuario decodes only once the signature value has verified: a sender that
     * signs the broken value with its own key gets that far, since whether the key is trusted is decided afterwards.
     */
    @Test
    void refuses_a_digest_value_that_is_not_base64_under_a_signature_value_that_verifies_as_malformed_message() {
        byte[] signed = XmlSigning.withSignedInfoChanged(XmlSigning.sign(LIST, signer), signer, signedInfo -> {
            Node digest = signedInfo
                    .getElementsByTagNameNS(XmlSignatureVerifier.DSIG, "DigestValue")
                    .item(0);
            digest.setTextContent(digest.getTextContent() + "A"); // after the padding (SHA-256: always "=")
        });

        assertRefusedAsUnreadable(signed, "ds:DigestValue");
    }

    private static void assertRefusedAsUnreadable(byte[] body, String element) {
        assertThatThrownBy(() -> open(body)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error()).as(e.detail()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
            assertThat(e.detail()).contains(element).contains("is not base64");
        });
    }

    @Test
    void refuses_a_certificate_that_is_not_der_as_malformed_message() {
        String signed = text(XmlSigning.sign(LIST, signer));

        byte[] broken = bytes(signed.replaceFirst("<ds:X509Certificate>", "<ds:X509Certificate>AAAA"));

        assertThat(refusal(broken)).isEqualTo(GatewayError.MALFORMED_MESSAGE);
    }
}
