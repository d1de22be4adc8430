package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.Party;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;
import org.cbec.gateway.translate.XmlTree.Element;

/**
 * The tree of one WCO declaration ({@link XmlTree}) turned into a shipment record, as the table of
 * {@link WcoDeclarationXmlTranslator} says: every rule checked, every error kept with its path and line.
 */
final class WcoDeclarationMapping {
    private static final String TRANSPORT_DOCUMENT = "TransportContractDocument";
    private static final String EXPORTER = "Exporter";
    private static final Set<String> MASTER_DOCUMENT_CODES = Set.of("704", "741");
    private static final String HS = "HS";
    private static final String KILOGRAM = "KGM";
    private static final String EXPORTER_ROLE = "EX";
    private static final String IMPORTER_ROLE = "IM";

    private static final String TRANSPORT_MODE =
            "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), " + "3 (road), 4 (air) or 5 (post)";
    private static final String DECIMAL = "must be a decimal number such as 59.80: at most " + Rules.MAX_DIGITS
            + " digits before and after the point, no sign or exponent";
    private static final String SEQUENCE = "must be a whole number of at least 1";
    private static final String GROSS_MASS_UNIT = "must be KGM: gross mass is exchanged in kilograms";
    private static final String ONCE = "may occur only once";
    private static final String TEXT_ONLY = "must hold text, not elements";
    private static final String HOUSE_WAYBILL_REQUIRED =
            "is required: the house waybill, a TransportContractDocument without master TypeCode 704 or 741";
    private static final String HS_CLASSIFICATION_REQUIRED =
            "is required: one Classification without IdentificationTypeCode or with IdentificationTypeCode HS";

    // bounded so that no run of digits reaches Integer.parseInt's overflow
    private static final Pattern SEQUENCE_SHAPE = Pattern.compile("[0-9]{1,9}");

    final XmlErrors errors = new XmlErrors(WcoDeclarationXmlTranslator.MAX_ERRORS);

    Optional<ShipmentRecord> shipment(Element declaration, RecordSource source) {
        Element goodsShipment = child(declaration, "GoodsShipment", true);
        String platformId = token(child(child(declaration, "Declarant", false), "ID", false), false);
        String orderId = token(child(child(goodsShipment, "UCR", false), "TraderAssignedReferenceID", false), false);
        Waybills waybills = waybills(child(goodsShipment, "Consignment", true));
        Map<String, String> tins = tins(goodsShipment);
        Party seller = party(exporter(declaration, goodsShipment), tins.get(EXPORTER_ROLE));
        Party buyer = party(child(goodsShipment, "Importer", true), tins.get(IMPORTER_ROLE));
        List<ShipmentItem> items = items(goodsShipment);
        String exportCountry = checked(
                child(child(goodsShipment, "ExportCountry", true), "ID", true), true, Rules::isCountry, Rules.COUNTRY);
        String destinationCountry = checked(
                child(child(goodsShipment, "Destination", true), "CountryCode", true),
                true,
                Rules::isCountry,
                Rules.COUNTRY);
        TransportMode transportMode = parsed(
                child(child(declaration, "BorderTransportMeans", true), "ModeCode", true),
                true,
                TransportMode::ofRec19Code,
                TRANSPORT_MODE);
        if (!errors.isEmpty()) {
            return Optional.empty(); // its errors are listed; a record of half a declaration means nothing
        }
        return Optional.of(ShipmentRecord.create(
                source,
                waybills.house(),
                waybills.master(),
                platformId,
                orderId,
                seller,
                buyer,
                items,
                exportCountry,
                destinationCountry,
                transportMode));
    }

    private record Waybills(String house, String master) {}

    private Waybills waybills(Element consignment) {
        if (consignment == null) {
            return new Waybills(null, null);
        }
        Element house = null;
        Element master = null;
        for (Element document : consignment.all(TRANSPORT_DOCUMENT)) {
            String typeCode = token(child(document, "TypeCode", false), false);
            if (typeCode != null && MASTER_DOCUMENT_CODES.contains(typeCode)) {
                if (master == null) {
                    master = document;
                } else {
                    error(
                            document,
                            "is a second master waybill: only one " + TRANSPORT_DOCUMENT
                                    + " may have TypeCode 704 or 741");
                }
            } else if (house == null) {
                house = document;
            } else {
                error(
                        document,
                        "is a second house waybill: only one " + TRANSPORT_DOCUMENT
                                + " may be without master TypeCode 704 or 741");
            }
        }
        if (house == null) {
            missing(consignment, TRANSPORT_DOCUMENT + "/ID", HOUSE_WAYBILL_REQUIRED);
        }
        return new Waybills(token(child(house, "ID", true), true), token(child(master, "ID", true), true));
    }

    /** The tins by role code ({@code EX}, {@code IM}) from the goods shipment's domestic duty tax parties. */
    private Map<String, String> tins(Element goodsShipment) {
        Map<String, String> tins = new HashMap<>();
        if (goodsShipment == null) {
            return tins;
        }
        Map<String, String> roles = new HashMap<>();
        for (Element party : goodsShipment.all("DomesticDutyTaxParty")) {
            Element roleCode = child(party, "RoleCode", false);
            String role = token(roleCode, false);
            if (!EXPORTER_ROLE.equals(role) && !IMPORTER_ROLE.equals(role)) {
                continue; // another party's tax reference (a representative's, a VAT role): not one of the record
            }
            String earlier = roles.putIfAbsent(role, party.path);
            if (earlier != null) {
                error(roleCode, "repeats the RoleCode " + role + " of " + earlier);
                continue;
            }
            String tin = token(child(party, "ID", true), true);
            if (tin != null) {
                tins.put(role, tin);
            }
        }
        return tins;
    }

    /** The seller's element: under the goods shipment (import declarations) or under the declaration (export). */
    private Element exporter(Element declaration, Element goodsShipment) {
        Element atDeclaration = child(declaration, EXPORTER, false);
        Element atGoodsShipment = child(goodsShipment, EXPORTER, atDeclaration == null);
        if (atDeclaration != null && atGoodsShipment != null) {
            error(
                    atGoodsShipment,
                    "repeats the seller of " + atDeclaration.path
                            + ": the Exporter is given once, under Declaration or under GoodsShipment");
            return null;
        }
        return atGoodsShipment != null ? atGoodsShipment : atDeclaration;
    }

    private Party party(Element party, String tin) {
        if (party == null) {
            return null;
        }
        String name = text(child(party, "Name", true), true);
        String aeoId = checked(child(party, "ID", false), false, Rules::isAeoId, Rules.AEO_ID);
        Element address = child(party, "Address", true);
        String line = text(child(address, "Line", false), false);
        String city = text(child(address, "CityName", false), false);
        String postcode = token(child(address, "PostcodeID", false), false);
        String country = checked(child(address, "CountryCode", true), true, Rules::isCountry, Rules.COUNTRY);
        return address == null ? null : new Party(name, tin, aeoId, new Address(line, city, postcode, country));
    }

    private List<ShipmentItem> items(Element goodsShipment) {
        if (goodsShipment == null) {
            return List.of();
        }
        List<Element> goods = goodsShipment.all(WcoDeclarationXmlTranslator.GOODS_ITEM);
        if (goods.isEmpty()) {
            missing(goodsShipment, WcoDeclarationXmlTranslator.GOODS_ITEM, Rules.REQUIRED);
            return List.of();
        }
        List<ShipmentItem> items = new ArrayList<>(goods.size());
        Map<Integer, String> sequences = new HashMap<>();
        String currency = null;
        String currencyAt = null;
        for (Element item : goods) {
            Element sequence = child(item, "SequenceNumeric", true);
            Integer seq = parsed(sequence, true, WcoDeclarationMapping::sequence, SEQUENCE);
            if (seq != null) {
                String earlier = sequences.putIfAbsent(seq, item.path);
                if (earlier != null) {
                    error(sequence, "repeats the SequenceNumeric of " + earlier);
                }
            }
            Element commodity = child(item, "Commodity", true);
            String description = text(child(commodity, "Description", true), true);
            String hsCode = checked(child(classification(commodity), "ID", true), true, Rules::isHsCode, Rules.HS_CODE);
            Element measure = child(commodity, "GoodsMeasure", true);
            Element tariffQuantity = child(measure, "TariffQuantity", true);
            BigDecimal quantity = decimal(tariffQuantity, true, true);
            String unit = attribute(tariffQuantity, "unitCode", false);
            Element grossMass = child(measure, "GrossMassMeasure", false);
            BigDecimal grossMassKg = decimal(grossMass, false, false);
            String massUnit = attribute(grossMass, "unitCode", true);
            if (massUnit != null && !KILOGRAM.equals(massUnit)) {
                errors.add(grossMass.path + "/@unitCode", grossMass.line, GROSS_MASS_UNIT);
            }
            Element amount = child(child(commodity, "InvoiceLine", true), "ItemChargeAmount", true);
            BigDecimal value = decimal(amount, true, false);
            String itemCurrency = attribute(amount, "currencyID", true);
            if (itemCurrency != null && !Rules.isCurrency(itemCurrency)) {
                errors.add(amount.path + "/@currencyID", amount.line, Rules.CURRENCY);
                itemCurrency = null;
            }
            if (itemCurrency != null && currency == null) {
                currency = itemCurrency;
                currencyAt = amount.path + "/@currencyID";
            } else if (itemCurrency != null && !itemCurrency.equals(currency)) {
                errors.add(
                        amount.path + "/@currencyID",
                        amount.line,
                        "is " + itemCurrency + " but " + currencyAt + " is " + currency
                                + ": all goods of a shipment are in one currency");
            }
            String origin = checked(
                    child(child(item, "Origin", true), "CountryCode", true), true, Rules::isCountry, Rules.COUNTRY);
            if (seq != null && value != null && itemCurrency != null) {
                items.add(ShipmentItem.exact(
                        seq, description, hsCode, quantity, unit, grossMassKg, value, itemCurrency, origin));
            }
        }
        return items;
    }

    /** The one HS classification of a commodity; national tariff and additional codes are skipped. */
    private Element classification(Element commodity) {
        if (commodity == null) {
            return null;
        }
        Element found = null;
        for (Element classification : commodity.all("Classification")) {
            String type = token(child(classification, "IdentificationTypeCode", false), false);
            if (type != null && !HS.equals(type)) {
                continue; // e.g. a TARIC or national commodity code beside the HS code
            }
            if (found == null) {
                found = classification;
            } else {
                error(
                        classification,
                        "is a second HS Classification: only one "
                                + "may be without IdentificationTypeCode or with IdentificationTypeCode HS");
            }
        }
        if (found == null) {
            missing(commodity, "Classification", HS_CLASSIFICATION_REQUIRED);
        }
        return found;
    }

    /**
     * The child of that name, null when the parent is null or the child absent (an error when required);
     * every further child of that name is an error.
     */
    private Element child(Element parent, String name, boolean required) {
        if (parent == null) {
            return null; // the parent's absence is reported once, not again for each of its fields
        }
        List<Element> all = parent.all(name);
        if (all.isEmpty()) {
            if (required) {
                missing(parent, name, Rules.REQUIRED);
            }
            return null;
        }
        for (Element extra : all.subList(1, all.size())) {
            error(extra, ONCE);
        }
        return all.get(0);
    }

    private void error(Element at, String message) {
        errors.add(at.path, at.line, message);
    }

    private void missing(Element parent, String name, String message) {
        errors.add(parent.path + "/" + name, parent.line, message);
    }

    /** The element's text exactly as sent; null when absent or empty (an error when required). */
    private String text(Element node, boolean required) {
        return text(node, required, false);
    }

    /** The element's text without surrounding white space; null when absent or empty (an error when required). */
    private String token(Element node, boolean required) {
        return text(node, required, true);
    }

    private String text(Element node, boolean required, boolean strip) {
        if (node == null) {
            return null;
        }
        if (!node.children.isEmpty()) {
            error(node, TEXT_ONLY);
            return null;
        }
        String text = node.text.toString();
        if (text.isBlank()) {
            if (required) {
                error(node, Rules.REQUIRED);
            }
            return null;
        }
        return strip ? text.strip() : text;
    }

    /** A token that must satisfy a rule, e.g. an ISO country code. */
    private String checked(Element node, boolean required, Predicate<String> rule, String message) {
        return parsed(node, required, Rules.matching(rule), message);
    }

    /** A token turned into a value by {@code parse}; {@code rule} is the message when that fails. */
    private <T> T parsed(Element node, boolean required, Function<String, Optional<T>> parse, String rule) {
        String text = token(node, required);
        return text == null ? null : Rules.parsedOrRefused(text, parse, () -> error(node, rule));
    }

    /** A plain decimal, exact as sent; {@code positive} refuses zero (signs are refused anyway). */
    private BigDecimal decimal(Element node, boolean required, boolean positive) {
        BigDecimal value = parsed(node, required, Rules::decimalText, DECIMAL);
        if (value != null && positive && value.signum() == 0) {
            error(node, "must be greater than zero");
            return null;
        }
        return value;
    }

    /** An attribute of a present element without surrounding white space; null when absent or empty. */
    private String attribute(Element node, String name, boolean required) {
        if (node == null) {
            return null;
        }
        String value = node.attributes.get(name);
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(node.path + "/@" + name, node.line, Rules.REQUIRED);
            }
            return null;
        }
        return value.strip();
    }

    private static Optional<Integer> sequence(String text) {
        if (!SEQUENCE_SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        int value = Integer.parseInt(text);
        return value >= 1 ? Optional.of(value) : Optional.empty();
    }
}
