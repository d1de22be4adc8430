package org.cbec.gateway.signature.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;
import org.cbec.gateway.signature.SignedDocument;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestPki.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner that signs with the xmlsec1 command line (libxmlsec1 over OpenSSL), the other XMLDSig
 * implementation in wide use: {@code xmlsec1 --sign} fills an enveloped template whose X509Data receives the
 * signer's certificate. The gateway verifies it. Skipped where xmlsec1 is not installed
 * ({@code apt-get install xmlsec1}).
 */
class Xmlsec1SignedDocumentTest {

    private static final String TEMPLATE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AEOStatusList xmlns="urn:cbec:aeo-status:1">
              <MetaData><ResponsibleCountryCode>CN</ResponsibleCountryCode><IssueDateTime>2026-11-28T06:00:00Z</IssueDateTime><ListTypeCode>DELTA</ListTypeCode></MetaData>
              <AuthorisedEconomicOperator>
                <ID>CN1234567890</ID><Name>深圳光明出口有限公司</Name>
                <Address><Line>88 Keji Road</Line><CityName>Shenzhen</CityName><PostcodeID>518057</PostcodeID><CountryCode>CN</CountryCode></Address>
                <ProgrammeCode>AEO</ProgrammeCode><StatusCode>ACTIVE</StatusCode>
                <EffectiveDate>2019-05-01</EffectiveDate><StatusChangeDateTime>2019-05-01T00:00:00Z</StatusChangeDateTime>
              </AuthorisedEconomicOperator>
              <Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
                <SignedInfo>
                  <CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
                  <SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
                  <Reference URI="">
                    <Transforms>
                      <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
                      <Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
                    </Transforms>
                    <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
                    <DigestValue/>
                  </Reference>
                </SignedInfo>
                <SignatureValue/>
                <KeyInfo><X509Data/></KeyInfo>
              </Signature>
            </AEOStatusList>
            """;

    @TempDir
    Path folder;

    @Test
    void verifies_a_list_signed_with_xmlsec1_and_finds_its_signer() throws Exception {
        assumeTrue(xmlsec1Available(), "the xmlsec1 command is not installed (apt-get install xmlsec1)");
        Credential authority = TestPki.certificateAuthority("CN=xmlsec1 Test CA,O=CN-GACC,C=CN");
        Credential signer = TestPki.signer(authority, "CN=xmlsec1 Signer,O=CN-GACC,C=CN");

        byte[] signed = xmlsec1Sign(signer);
        SignedDocument document = new XmlSignatureVerifier().open(signed, "text/xml");

        assertThat(document.signer()).isEqualTo(signer.certificate());
        assertThat(document.content()).isEqualTo(signed);
        assertThat(document.algorithm()).isEqualTo(new SignatureAlgorithm("SHA-256", "RSA",
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
    }

    @Test
    void refuses_a_list_signed_with_xmlsec1_and_then_changed_as_signature_invalid() throws Exception {
        assumeTrue(xmlsec1Available(), "the xmlsec1 command is not installed (apt-get install xmlsec1)");
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
        Path template = Files.writeString(folder.resolve("template.xml"), TEMPLATE);
        Path key = folder.resolve("signer.key");
        Path certificate = folder.resolve("signer.pem");
        TestPki.writePem(key, signer.key());
        TestPki.writePem(certificate, signer.certificate());
        Path output = folder.resolve("signed.xml");

        List<String> command = new ArrayList<>(List.of("xmlsec1", "--sign",
                "--privkey-pem", key + "," + certificate, "--output", output.toString(), template.toString()));
        Process xmlsec1 = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(xmlsec1.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(xmlsec1.waitFor()).as(log).isZero();
        byte[] signed = Files.readAllBytes(output);
        assertThat(new String(signed, StandardCharsets.UTF_8)).contains("<X509Certificate>");
        return signed;
    }

    private static boolean xmlsec1Available() {
        try {
            Process process = new ProcessBuilder("xmlsec1", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
