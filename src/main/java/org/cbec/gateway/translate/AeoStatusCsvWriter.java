package org.cbec.gateway.translate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatusRecord;

/** Writes {@code aeo-status-csv}: {@link AeoStatusCsvTranslator#HEADER}, then one RFC 4180 row per record, CRLF-ended. */
public final class AeoStatusCsvWriter implements DocumentWriter {
    @Override
    public byte[] write(List<AeoStatusRecord> records, String administration, Instant generatedAt, String legalBasis) {
        StringBuilder csv = new StringBuilder(AeoStatusCsvTranslator.HEADER).append("\r\n");
        for (AeoStatusRecord record : records) {
            Address address = record.address();
            row(
                    csv,
                    record.aeoId(),
                    record.operatorName(),
                    address == null ? null : address.line(),
                    address == null ? null : address.city(),
                    address == null ? null : address.postcode(),
                    address == null ? null : address.country(),
                    record.programme(),
                    record.status().name(),
                    String.valueOf(record.validFrom()),
                    record.validUntil() == null ? null : record.validUntil().toString(),
                    record.statusChangedAt().toString(),
                    record.statusReason());
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder csv, String... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                csv.append(',');
            }
            String cell = cells[i] == null ? "" : cells[i];
            if (cell.indexOf(',') >= 0
                    || cell.indexOf('"') >= 0
                    || cell.indexOf('\n') >= 0
                    || cell.indexOf('\r') >= 0) {
                csv.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                csv.append(cell);
            }
        }
        csv.append("\r\n");
    }
}
