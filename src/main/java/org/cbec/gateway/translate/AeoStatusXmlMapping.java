package org.cbec.gateway.translate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.translate.AeoStatusXmlReading.TooManyErrors;
import org.cbec.gateway.translate.XmlTree.Element;

/**
 * The tree of a read {@code aeo-status-xml} document ({@link AeoStatusXmlTranslator}) turned into records, adding
 * the rules the schema cannot state.
 */
final class AeoStatusXmlMapping {
    private final AeoStatusXmlReading reading;
    private final RecordSource source;
    private final TranslationContext context;

    AeoStatusXmlMapping(AeoStatusXmlReading reading, RecordSource source, TranslationContext context) {
        this.reading = reading;
        this.source = source;
        this.context = context;
    }

    List<CanonicalRecord> records(Element root) {
        List<CanonicalRecord> records = new ArrayList<>();
        try {
            if (!AeoStatusXmlTranslator.LIST.equals(root.name)) {
                return records; // another document: the schema has said so, its fields mean nothing here
            }
            Optional<Element> metaData = root.child("MetaData");
            if (metaData.isPresent()) {
                metaData(metaData.get());
            }
            Map<String, String> statements = new HashMap<>();
            for (Element operator : root.all(AeoStatusXmlTranslator.OPERATOR)) {
                Optional<AeoStatusRecord> record = operator(operator);
                if (record.isPresent()) {
                    String key = record.get().aeoId() + " " + record.get().statusChangedAt();
                    String earlier = statements.putIfAbsent(key, operator.path);
                    if (earlier != null) {
                        Element id = operator.child("ID").orElse(operator);
                        reading.add(
                                id.path,
                                id.line,
                                "repeats the statement of " + earlier + " (same ID and StatusChangeDateTime)");
                    }
                    records.add(record.get());
                }
            }
        } catch (TooManyErrors e) {
            // the list of errors is full: the reading says so at its end
        }
        return records;
    }

    private void metaData(Element metaData) throws TooManyErrors {
        checked(
                metaData,
                "ResponsibleCountryCode",
                text -> Rules.isCountry(text) ? Optional.of(text) : Optional.empty(),
                Rules.COUNTRY);
        checked(metaData, "IssueDateTime", Rules::instant, Rules.INSTANT);
    }

    private Optional<AeoStatusRecord> operator(Element operator) throws TooManyErrors {
        String aeoId = checked(operator, "ID", Rules.matching(context::isOwnAeoId), context.aeoIdRule());
        String name = text(operator, "Name");
        Optional<Element> addressNode = operator.child("Address");
        String country = addressNode.isEmpty()
                ? null
                : checked(addressNode.get(), "CountryCode", Rules.matching(Rules::isCountry), Rules.COUNTRY);
        String programme = text(operator, "ProgrammeCode");
        AeoStatus status = checked(operator, "StatusCode", Rules::status, Rules.STATUS);
        LocalDate validFrom = checked(operator, "EffectiveDate", Rules::date, Rules.DATE);
        LocalDate validUntil = checked(operator, "ExpiryDate", Rules::date, Rules.DATE);
        Instant statusChangedAt = checked(operator, "StatusChangeDateTime", Rules::instant, Rules.INSTANT);
        String statusReason = text(operator, "StatusReason");
        if (reading.hasErrorAtOrUnder(operator.path) || aeoId == null || status == null || statusChangedAt == null) {
            return Optional.empty(); // its errors are listed; a record of half a statement means nothing
        }
        Address address = new Address(
                addressNode.map(a -> text(a, "Line")).orElse(null),
                addressNode.map(a -> text(a, "CityName")).orElse(null),
                addressNode.map(a -> text(a, "PostcodeID")).orElse(null),
                country);
        return Optional.of(AeoStatusRecord.create(
                source, aeoId, name, address, programme, status, validFrom, validUntil, statusChangedAt, statusReason));
    }

    /** The exact text of a child, or null when it is absent (the schema reports a missing required one). */
    private static String text(Element parent, String name) {
        return parent.child(name).map(child -> child.text.toString()).orElse(null);
    }

    /**
     * A child's value by a rule of FORMATS.md; null when absent or already refused by the schema. Dates
     * are read without surrounding white space, as the schema's date types read them.
     */
    private <T> T checked(Element parent, String name, Function<String, Optional<T>> parse, String rule)
            throws TooManyErrors {
        Optional<Element> child = parent.child(name);
        if (child.isEmpty() || reading.hasErrorAt(child.get().path)) {
            return null;
        }
        Optional<T> value = parse.apply(child.get().text.toString().strip());
        if (value.isEmpty()) {
            reading.add(child.get().path, child.get().line, rule);
            return null;
        }
        return value.get();
    }
}
