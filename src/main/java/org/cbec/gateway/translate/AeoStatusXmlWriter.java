package org.cbec.gateway.translate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cbec.gateway.canonical.AeoStatusRecord;

/**
 * Writes {@code aeo-status-xml}: an {@code AEOStatusList} in {@code urn:cbec:aeo-status:1} that the shipped XSD validates,
 * elements in its order, optional ones left out when empty. The CMS signature around it is the transport's.
 */
public final class AeoStatusXmlWriter implements DocumentWriter {
    @Override
    public byte[] write(List<AeoStatusRecord> records, String administration, Instant generatedAt, String legalBasis) {
        StringBuilder xml = new StringBuilder(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\">");
        xml.append("<MetaData>");
        element(xml, "ResponsibleCountryCode", administration);
        element(xml, "IssueDateTime", generatedAt.toString());
        element(xml, "ListTypeCode", "DELTA");
        xml.append("</MetaData>");
        for (AeoStatusRecord record : records) {
            xml.append("<AuthorisedEconomicOperator>");
            element(xml, "ID", record.aeoId());
            element(xml, "Name", record.operatorName());
            xml.append("<Address>");
            if (record.address() != null) {
                element(xml, "Line", record.address().line());
                element(xml, "CityName", record.address().city());
                element(xml, "PostcodeID", record.address().postcode());
                element(xml, "CountryCode", record.address().country());
            }
            xml.append("</Address>");
            element(xml, "ProgrammeCode", record.programme());
            element(xml, "StatusCode", record.status().name());
            element(xml, "EffectiveDate", String.valueOf(record.validFrom()));
            element(
                    xml,
                    "ExpiryDate",
                    record.validUntil() == null ? null : record.validUntil().toString());
            element(xml, "StatusChangeDateTime", record.statusChangedAt().toString());
            element(xml, "StatusReason", record.statusReason());
            xml.append("</AuthorisedEconomicOperator>");
        }
        xml.append("</AEOStatusList>\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder xml, String name, String value) {
        if (value == null) {
            return;
        }
        xml.append('<').append(name).append('>');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '&' -> xml.append("&amp;");
                case '"' -> xml.append("&quot;");
                case '\'' -> xml.append("&apos;");
                case '\r' -> xml.append("&#13;");
                default -> xml.append(c);
            }
        }
        xml.append("</").append(name).append('>');
    }
}
