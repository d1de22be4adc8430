package org.cbec.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The xmlsec1 command line (libxmlsec1 over OpenSSL), the other XMLDSig implementation partners use:
 * {@code xmlsec1 --sign} fills an enveloped template whose X509Data receives the signer's certificate.
 * .ci/run installs it; tests that need it require it (RequiredTool).
 */
public final class Xmlsec1 {
    /** An aeo-status-xml list with an empty enveloped signature template; {{ID}} is the operator's AEO id. */
    public static final String AEO_STATUS_LIST_TEMPLATE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AEOStatusList xmlns="urn:cbec:aeo-status:1">
              <MetaData><ResponsibleCountryCode>CN</ResponsibleCountryCode><IssueDateTime>2026-11-28T06:00:00Z</IssueDateTime><ListTypeCode>DELTA</ListTypeCode></MetaData>
              <AuthorisedEconomicOperator>
                <ID>{{ID}}</ID><Name>深圳光明出口有限公司</Name>
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

    private Xmlsec1() {}

    /** Fails the test where the tool is missing ({@link RequiredTool}). */
    public static void require() {
        RequiredTool.require(available(), "xmlsec1", ".ci/run installs it: apt-get install xmlsec1");
    }

    public static boolean available() {
        try {
            Process process = new ProcessBuilder("xmlsec1", "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Signs the template with xmlsec1 in {@code folder}; fails the test when xmlsec1 does. */
    public static byte[] sign(Path folder, String template, TestPki.Credential signer)
            throws IOException, InterruptedException {
        Path file = Files.writeString(folder.resolve("template.xml"), template);
        Path key = folder.resolve("signer.key");
        Path certificate = folder.resolve("signer.pem");
        TestPki.writePem(key, signer.key());
        TestPki.writePem(certificate, signer.certificate());
        Path output = folder.resolve("signed.xml");
        Process xmlsec1 = new ProcessBuilder(List.of(
                        "xmlsec1",
                        "--sign",
                        "--privkey-pem",
                        key + "," + certificate,
                        "--output",
                        output.toString(),
                        file.toString()))
                .redirectErrorStream(true)
                .start();
        String log = new String(xmlsec1.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(xmlsec1.waitFor()).as(log).isZero();
        byte[] signed = Files.readAllBytes(output);
        assertThat(new String(signed, StandardCharsets.UTF_8)).contains("<X509Certificate>");
        return signed;
    }
}
