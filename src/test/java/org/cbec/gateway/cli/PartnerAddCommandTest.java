package org.cbec.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;
import org.cbec.gateway.partner.RevocationPolicy;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code partner add}: a partner file the gateway loads, or nothing at all. */
class PartnerAddCommandTest {
    static final TestPki.Credential KR_CA =
            TestPki.certificateAuthority("CN=KR-KCS Test CA,O=Korea Customs Service,C=KR");

    @TempDir
    Path root;

    private Path caFile() {
        Path file = root.resolve("kr-ca.pem");
        TestPki.writePem(file, KR_CA.certificate());
        return file;
    }

    private Path partners() {
        return root.resolve("partners");
    }

    @Test
    void writes_a_partner_file_and_its_ca_that_the_partner_registry_loads() {
        CliRun run = CliRun.of(
                "partner",
                "add",
                "--id",
                "KR-KCS",
                "--name",
                "Korea Customs Service: \"KCS\" # main office",
                "--country",
                "KR",
                "--ca",
                caFile().toString(),
                "--message-types",
                "AEO_STATUS",
                "--revocation",
                "crl",
                "--signer-subject",
                "CN=KCS Signer,O=Korea Customs Service,C=KR",
                "--dir",
                partners().toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(partners().resolve("KR-KCS.yaml")).exists();
        assertThat(partners().resolve("certs/kr-kcs-ca.pem")).exists();
        Partner partner = PartnerRegistry.load(partners()).byId("KR-KCS").orElseThrow();
        assertThat(partner.name()).isEqualTo("Korea Customs Service: \"KCS\" # main office");
        assertThat(partner.country()).isEqualTo("KR");
        assertThat(partner.trustAnchors()).containsExactly(KR_CA.certificate());
        assertThat(partner.messageTypes()).containsExactly(RecordType.AEO_STATUS);
        assertThat(partner.revocation()).isEqualTo(RevocationPolicy.CRL);
        assertThat(partner.signerSubjects())
                .containsExactly(new X500Principal("CN=KCS Signer,O=Korea Customs Service,C=KR"));
    }

    @Test
    void refuses_a_file_that_is_no_certificate_and_leaves_nothing_behind() throws IOException {
        Path notACertificate = Files.writeString(
                root.resolve("kr-ca.pem"),
                "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        CliRun run = partnerAdd("KR-KCS", "KR", notACertificate.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("cbec-gateway: CONFIGURATION_INVALID: ")
                .contains("kr-ca.pem");
        assertThat(partners()).doesNotExist();
    }

    @Test
    void undoes_everything_when_the_gateway_loader_refuses_what_was_written() throws IOException {
        // 'XX' passes the command's own checks; the gateway's loader refuses it after both files are written.
        CliRun run = partnerAdd("KR-KCS", "XX", caFile().toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("field 'country'");
        assertThat(partners()).doesNotExist();
    }

    @Test
    void refuses_to_overwrite_an_existing_partner_unless_forced() throws IOException {
        String[] add = {
            "partner",
            "add",
            "--id",
            "KR-KCS",
            "--name",
            "Korea Customs Service",
            "--country",
            "KR",
            "--ca",
            caFile().toString(),
            "--revocation",
            "none",
            "--dir",
            partners().toString()
        };
        assertThat(CliRun.of(add).exit()).isEqualTo(0);
        String before = Files.readString(partners().resolve("KR-KCS.yaml"));

        CliRun again = CliRun.of(add);
        CliRun forced = CliRun.of(concat(add, "--force"));

        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("exists already").contains("--force");
        assertThat(forced.exit()).as(forced.toString()).isEqualTo(0);
        assertThat(Files.readString(partners().resolve("KR-KCS.yaml"))).isEqualTo(before);
        assertThat(files(partners())).containsExactlyInAnyOrder("KR-KCS.yaml", "certs/kr-kcs-ca.pem");
    }

    @Test
    void refuses_an_id_that_is_not_a_partner_id_before_writing_anything() {
        CliRun run = partnerAdd("../KR", "KR", caFile().toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--id must match");
        assertThat(partners()).doesNotExist();
    }

    @Test
    void writes_the_signer_extended_key_usages_given_on_the_command_line() {
        CliRun run = partnerAdd(
                "KR-KCS",
                "KR",
                caFile().toString(),
                "--signer-extended-key-usage",
                "1.3.6.1.5.5.7.3.36,1.2.410.200004.10.1",
                "--signer-extended-key-usage",
                "1.3.6.1.5.5.7.3.4");

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        Partner partner = PartnerRegistry.load(partners()).byId("KR-KCS").orElseThrow();
        assertThat(partner.signerExtendedKeyUsages())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.36", "1.2.410.200004.10.1", "1.3.6.1.5.5.7.3.4");
    }

    @Test
    void keeps_the_default_signer_extended_key_usages_when_none_is_given() {
        CliRun run = partnerAdd("KR-KCS", "KR", caFile().toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(PartnerRegistry.load(partners()).byId("KR-KCS").orElseThrow().signerExtendedKeyUsages())
                .isEqualTo(Partner.DEFAULT_SIGNER_EXTENDED_KEY_USAGES);
    }

    @Test
    void refuses_a_signer_extended_key_usage_that_is_no_object_identifier_and_leaves_nothing_behind() {
        // A name instead of an OID, and one with YAML in it: the partner file parser's own check refuses both.
        for (String notAnOid : List.of("emailProtection", "1.3.6.1.5.5.7.3.4\"]\nenabled: false #")) {
            CliRun run = partnerAdd("KR-KCS", "KR", caFile().toString(), "--signer-extended-key-usage", notAnOid);

            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(run.err())
                    .startsWith("cbec-gateway: CONFIGURATION_INVALID: ")
                    .contains("signerExtendedKeyUsages")
                    .contains("is not an object identifier");
            assertThat(partners()).doesNotExist();
        }
    }

    private static String[] concat(String[] args, String extra) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = extra;
        return all;
    }

    private static List<String> files(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> directory.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }

    /** {@code partner add} of the Korea Customs Service into {@link #partners()}, with the options a case varies. */
    private CliRun partnerAdd(String id, String country, String ca, String... more) {
        List<String> arguments = new ArrayList<>(List.of(
                "partner", "add", "--id", id, "--name", "Korea Customs Service", "--country", country, "--ca", ca));
        arguments.addAll(List.of(more));
        arguments.addAll(List.of("--dir", partners().toString()));
        return CliRun.of(arguments.toArray(String[]::new));
    }
}
