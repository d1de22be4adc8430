package org.cbec.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every format the gateway writes, its own reader reads back as the same records (same business keys and versions, same
 * fields), including the awkward values: a comma and a quote in a name, a line break and markup in a reason, an
 * address without line or postcode, no end date.
 */
class DocumentWritersRoundTripTest {
    private static final String GATEWAY = "CBEC-GATEWAY";
    private static final String MESSAGE = "01JDOUTBOUNDROUNDTRIP00000";

    @ParameterizedTest
    @EnumSource(
            value = DocumentFormat.class,
            names = {"AEO_STATUS_CSV", "AEO_STATUS_JSON", "AEO_STATUS_XML"})
    void what_a_writer_writes_its_reader_reads_back_as_the_same_records(DocumentFormat format) {
        RecordSource source = new RecordSource(GATEWAY, MESSAGE, format.id());
        List<AeoStatusRecord> records = List.of(
                AeoStatusRecord.create(
                        source,
                        "DE1234567890",
                        "Müller \"Export\", GmbH & Co. <KG>",
                        new Address("Hafenstraße 1", "Hamburg", "20457", "DE"),
                        "AEO",
                        AeoStatus.ACTIVE,
                        LocalDate.parse("2019-05-01"),
                        LocalDate.parse("2029-04-30"),
                        Instant.parse("2019-05-01T00:00:00Z"),
                        null),
                AeoStatusRecord.create(
                        source,
                        "DE2234567890",
                        "Nord Logistik AG",
                        new Address(null, "Kiel", null, "DE"),
                        "AEOF",
                        AeoStatus.SUSPENDED,
                        LocalDate.parse("2018-03-12"),
                        null,
                        Instant.parse("2026-11-20T09:30:00Z"),
                        "audit pending,\nsee letter <42> & annex"));

        byte[] written = DocumentWriter.standard()
                .get(format)
                .write(records, "DE", Instant.parse("2026-12-07T10:00:00Z"), "MRA (DEMO)");
        Translation read =
                Translators.standard().translate(format, written, new TranslationContext(GATEWAY, MESSAGE, "DE"));

        assertThat(read)
                .as(new String(written, java.nio.charset.StandardCharsets.UTF_8))
                .isInstanceOf(Translation.Records.class);
        List<CanonicalRecord> back = ((Translation.Records) read).records();
        assertThat(back).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(records);
        assertThat(Translators.standard().recognise(written)).contains(format);
    }
}
