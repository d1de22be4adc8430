package org.cbec.gateway.signature.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestPki.Credential;
import org.cbec.gateway.testing.Xmlsec1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner that signs with the xmlsec1 command line (libxmlsec1 over OpenSSL), the other XMLDSig
 * implementation in wide use: {@code xmlsec1 --sign} fills an enveloped template whose X509Data receives the
 * signer's certificate. The gateway verifies it. Skipped where xmlsec1 is not installed
 * ({@code apt-get install xmlsec1}).
 */
class Xmlsec1SignedDocumentTest {

    @TempDir
    Path folder;

    @Test
    void verifies_a_list_signed_with_xmlsec1_and_finds_its_signer() throws Exception {
        Xmlsec1.require();
        Credential authority = TestPki.certificateAuthority("CN=xmlsec1 Test CA,O=CN-GACC,C=CN");
        Credential signer = TestPki.signer(authority, "CN=xmlsec1 Signer,O=CN-GACC,C=CN");

        byte[] signed = xmlsec1Sign(signer);
        SignedDocument document = new XmlSignatureVerifier().open(signed, "text/xml");

        assertThat(document.signer()).isEqualTo(signer.certificate());
        assertThat(document.content()).isEqualTo(signed);
        assertThat(document.algorithm())
                .isEqualTo(new SignatureAlgorithm(
                        "SHA-256", "RSA", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", List.of("SHA-256")));
    }

    @Test
    void refuses_a_list_signed_with_xmlsec1_and_then_changed_as_signature_invalid() throws Exception {
        Xmlsec1.require();
        Credential authority = TestPki.certificateAuthority("CN=xmlsec1 Test CA,O=CN-GACC,C=CN");
        Credential signer = TestPki.signer(authority, "CN=xmlsec1 Signer,O=CN-GACC,C=CN");
        String signed = new String(xmlsec1Sign(signer), StandardCharsets.UTF_8);

        byte[] changed = signed.replace("2019-05-01</EffectiveDate>", "2009-05-01</EffectiveDate>")
                .getBytes(StandardCharsets.UTF_8);

        GatewayError error = null;
        try {
            new XmlSignatureVerifier().open(changed, "text/xml");
        } catch (GatewayException e) {
            error = e.error();
        }
        assertThat(error).isEqualTo(GatewayError.SIGNATURE_INVALID);
    }

    private byte[] xmlsec1Sign(Credential signer) throws IOException, InterruptedException {
        return Xmlsec1.sign(folder, Xmlsec1.AEO_STATUS_LIST_TEMPLATE.replace("{{ID}}", "CN1234567890"), signer);
    }
}
