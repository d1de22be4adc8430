package org.cbec.gateway.translate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.translate.AeoStatusXmlTranslator.Node;
import org.cbec.gateway.translate.AeoStatusXmlTranslator.Reading;
import org.cbec.gateway.translate.AeoStatusXmlTranslator.TooManyErrors;

/**
 * The tree of a read {@code aeo-status-xml} document ({@link AeoStatusXmlTranslator}) turned into records, adding
 * the rules the schema cannot state.
 */
final class AeoStatusXmlMapping {
    private final Reading reading;
    private final RecordSource source;
    private final TranslationContext context;

    AeoStatusXmlMapping(Reading reading, RecordSource source, TranslationContext context) {
        this.reading = reading;
        this.source = source;
        this.context = context;
    }

    List<CanonicalRecord> records() {
        List<CanonicalRecord> records = new ArrayList<>();
        try {
            Node root = reading.root;
            if (!AeoStatusXmlTranslator.LIST.equals(root.localName)) {
                return records; // another document: the schema has said so, its fields mean nothing here
            }
            Optional<Node> metaData = root.child("MetaData");
            if (metaData.isPresent()) {
                metaData(metaData.get());
            }
            Map<String, String> statements = new HashMap<>();
            for (Node operator : root.all(AeoStatusXmlTranslator.OPERATOR)) {
                Optional<AeoStatusRecord> record = operator(operator);
                if (record.isPresent()) {
                    String key = record.get().aeoId() + " " + record.get().statusChangedAt();
                    String earlier = statements.putIfAbsent(key, operator.path);
                    if (earlier != null) {
                        Node id = operator.child("ID").orElse(operator);
                        reading.add(
                                id.path,
                                id.line,
                                "repeats the statement of " + earlier + " (same ID and StatusChangeDateTime)");
                    }
                    records.add(record.get());
                }
            }
        } catch (TooManyErrors e) {
            reading.stopped = true;
        }
        return records;
    }

    private void metaData(Node metaData) throws TooManyErrors {
        checked(
                metaData,
                "ResponsibleCountryCode",
                text -> Rules.isCountry(text) ? Optional.of(text) : Optional.empty(),
                Rules.COUNTRY);
        checked(metaData, "IssueDateTime", Rules::instant, Rules.INSTANT);
    }

    private Optional<AeoStatusRecord> operator(Node operator) throws TooManyErrors {
        String aeoId = checked(operator, "ID", matching(context::isOwnAeoId), context.aeoIdRule());
        String name = text(operator, "Name");
        Optional<Node> addressNode = operator.child("Address");
        String country = addressNode.isEmpty()
                ? null
                : checked(addressNode.get(), "CountryCode", matching(Rules::isCountry), Rules.COUNTRY);
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

    private static Function<String, Optional<String>> matching(Predicate<String> rule) {
        return text -> rule.test(text) ? Optional.of(text) : Optional.empty();
    }

    /** The exact text of a child, or null when it is absent (the schema reports a missing required one). */
    private static String text(Node parent, String name) {
        return parent.child(name).map(child -> child.text.toString()).orElse(null);
    }

    /**
     * A child's value by a rule of FORMATS.md; null when absent or already refused by the schema. Dates
     * are read without surrounding white space, as the schema's date types read them.
     */
    private <T> T checked(Node parent, String name, Function<String, Optional<T>> parse, String rule)
            throws TooManyErrors {
        Optional<Node> child = parent.child(name);
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
