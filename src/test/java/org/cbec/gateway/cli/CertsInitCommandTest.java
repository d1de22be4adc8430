package org.cbec.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certs init}: the demo PKI of make-demo-pki.sh, made in Java, in a folder of the test's own. */
class CertsInitCommandTest {
    @TempDir
    Path dir;

    @Test
    void makes_the_demo_pki_whose_keystores_open_and_whose_signers_chain_to_their_ca() throws Exception {
        CliRun run = CliRun.of("certs", "init", "--dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.out()).contains("DEMO ONLY");
        CertsCommand.Init.fileNames()
                .forEach(name -> assertThat(dir.resolve(name)).isRegularFile());
        for (String partner : new String[] {"cn-gacc", "sg-customs"}) {
            X509Certificate ca =
                    SignerOptions.certificates(dir.resolve(partner + "/ca.pem")).get(0);
            GatewaySigningKey signer =
                    GatewaySigningKey.load(dir.resolve(partner + "/signer.p12"), "demo-only".toCharArray(), "signer");
            signer.certificate().verify(ca.getPublicKey());
            assertThat(signer.chain()).containsExactly(signer.certificate(), ca);
            assertThat(signer.certificate().getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
            // The PEM pair the script also writes holds the same signer.
            assertThat(SignerOptions.pem(
                                    dir.resolve(partner + "/signer.key"),
                                    dir.resolve(partner + "/signer.pem"),
                                    dir.resolve(partner + "/ca.pem"))
                            .certificate())
                    .isEqualTo(signer.certificate());
        }
        GatewaySigningKey gateway =
                GatewaySigningKey.load(dir.resolve("gateway/gateway.p12"), "demo-only".toCharArray());
        assertThat(gateway.certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=CBEC Gateway Demo Receipt Signer,O=CBEC Gateway (DEMO ONLY),C=XX");
    }

    @Test
    void names_its_certificates_exactly_as_the_committed_demo_pki_does() {
        CliRun run = CliRun.of("certs", "init", "--dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        for (String name : new String[] {
            "cn-gacc/ca.pem", "cn-gacc/signer.pem", "sg-customs/ca.pem", "sg-customs/signer.pem", "gateway/ca.pem"
        }) {
            X509Certificate made = SignerOptions.certificates(dir.resolve(name)).get(0);
            X509Certificate committed = SignerOptions.certificates(
                            Path.of("certs-example").resolve(name))
                    .get(0);
            assertThat(made.getSubjectX500Principal().getEncoded())
                    .as(name)
                    .isEqualTo(committed.getSubjectX500Principal().getEncoded());
            assertThat(made.getPublicKey().getAlgorithm())
                    .as(name)
                    .isEqualTo(committed.getPublicKey().getAlgorithm());
        }
    }

    @Test
    void refuses_to_overwrite_unless_forced() throws Exception {
        assertThat(CliRun.of("certs", "init", "--dir", dir.toString()).exit()).isEqualTo(0);
        byte[] before = Files.readAllBytes(dir.resolve("cn-gacc/signer.pem"));

        CliRun again = CliRun.of("certs", "init", "--dir", dir.toString());

        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("exist already").contains("--force");
        assertThat(Files.readAllBytes(dir.resolve("cn-gacc/signer.pem"))).isEqualTo(before);
        assertThat(CliRun.of(Map.of(), "certs", "init", "--dir", dir.toString(), "--force")
                        .exit())
                .isEqualTo(0);
        assertThat(Files.readAllBytes(dir.resolve("cn-gacc/signer.pem"))).isNotEqualTo(before);
    }

    @Test
    void the_committed_demo_signer_keystores_open_with_the_demo_password() {
        for (String partner : new String[] {"cn-gacc", "sg-customs"}) {
            GatewaySigningKey signer = GatewaySigningKey.load(
                    Path.of("certs-example", partner, "signer.p12"), "demo-only".toCharArray(), "signer");
            assertThat(signer.certificate())
                    .isEqualTo(SignerOptions.certificates(Path.of("certs-example", partner, "signer.pem"))
                            .get(0));
        }
    }
}
