package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.Party;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;
import org.cbec.gateway.translate.WcoDeclarationTree.Node;
import org.cbec.gateway.translate.WcoDeclarationTree.Reading;

/**
 * {@code wco-dec-xml}: a WCO Data Model 3.x goods declaration, root {@code Declaration} in namespace
 * {@value #NAMESPACE}, read for the e-commerce subset of FORMATS.md into one canonical {@code ECOM_SHIPMENT}
 * record. It is held to the rules of {@code ecom-shipment-json} (HS code of 6 to 10 digits, ISO 3166-1 countries,
 * ISO 4217 currencies, one currency for all goods, decimals exact as sent, a Recommendation 19 transport mode)
 * and built with {@link ShipmentRecord#create}, so the same shipment sent as platform JSON or as a WCO
 * declaration has the same {@code recordId} and {@code recordVersion}.
 *
 * <p>What is read, as paths below {@code /Declaration} (WCO DEC-DMS places these classes so):
 * <ul>
 *   <li>{@code houseTransportDocId}: {@code GoodsShipment/Consignment/TransportContractDocument/ID}, required.
 *       A consignment may list a house and a master transport document. The one whose {@code TypeCode} is a
 *       UN/EDIFACT 1001 master code, 704 (master bill of lading) or 741 (master air waybill), gives
 *       {@code masterTransportDocId}; the one without {@code TypeCode} or with any other code (703 house waybill,
 *       740 air waybill, ...) is the house waybill. At most one of each.
 *   <li>{@code platformId}: {@code Declarant/ID}, as the e-commerce platform lodges the declaration for its
 *       sellers; null when absent.
 *   <li>{@code orderId}: {@code GoodsShipment/UCR/TraderAssignedReferenceID}, the trader's reference of the
 *       goods; null when absent. {@code FunctionalReferenceID} is the declarant's reference of the declaration
 *       itself (its LRN), not of the order, and is not read.
 *   <li>seller: {@code GoodsShipment/Exporter}, or {@code Exporter} directly under {@code Declaration} as export
 *       declarations place it (one of the two, not both): {@code Name}, {@code ID} as AEO id, {@code Address}
 *       with {@code Line}, {@code CityName}, {@code PostcodeID} and {@code CountryCode}.
 *   <li>buyer: {@code GoodsShipment/Importer}, the same structure; its {@code ID} is the buyer's AEO id, as
 *       the Exporter's is the seller's.
 *   <li>tins: the WCO Exporter and Importer have one {@code ID}, the AEO id; a tax number comes from a
 *       {@code GoodsShipment/DomesticDutyTaxParty} ({@code ID}) whose {@code RoleCode} is the UN/EDIFACT 3035
 *       party code {@code EX} (exporter: the seller's tin) or {@code IM} (importer: the buyer's tin); parties
 *       of other roles are not read. Null when absent.
 *   <li>items: every {@code GoodsShipment/GovernmentAgencyGoodsItem}: {@code SequenceNumeric} (seq, unique),
 *       {@code Commodity/Description}, {@code Commodity/Classification/ID} (hsCode; from the one
 *       {@code Classification} without {@code IdentificationTypeCode} or with {@code HS}: others are national
 *       tariff or additional codes and are skipped), {@code Commodity/GoodsMeasure/TariffQuantity} (quantity,
 *       greater than zero; its {@code unitCode} is the unit), {@code Commodity/GoodsMeasure/GrossMassMeasure}
 *       (grossMassKg, optional; {@code unitCode="KGM"} required), {@code Commodity/InvoiceLine/ItemChargeAmount}
 *       (value; its {@code currencyID} is the currency) and {@code Origin/CountryCode}.
 *   <li>{@code BorderTransportMeans/ModeCode} (transportMode), {@code GoodsShipment/ExportCountry/ID} and
 *       {@code GoodsShipment/Destination/CountryCode}.
 * </ul>
 * Goods items, transport documents, classifications and duty tax parties may repeat as described; every other
 * element read occurs at most once where it is read. Everything else is ignored with its content: other WCO
 * elements (a real declaration carries many) and elements of other namespaces.
 *
 * <p>Why rules in code and no subset schema: a WCO declaration carries much beyond this subset, in the order
 * the WCO schemas give; a subset schema would refuse that content, or need wildcards that XSD 1.0's unique
 * particle rule does not allow beside the named elements of the same namespace.
 *
 * <p>Values: codes, ids and numbers are read without surrounding white space, as XSD token and decimal types
 * read them; names, address lines, city names and descriptions exactly as sent. An empty element counts as
 * absent. Numbers are plain decimals ({@code 59.80}, no sign or exponent) kept exact as strings.
 *
 * <p>The document is read in one pass of the hardened SAX parser ({@link SecureXml}: no DOCTYPE, so no
 * entities; bounded nesting) into a small tree of the declaration's own elements. Every error is reported,
 * located as an XPath-like path and the line of the element, e.g.
 * {@code /Declaration/GoodsShipment/GovernmentAgencyGoodsItem[2]/Commodity/Classification/ID, line 31}: goods
 * items always carry their index, other elements from the second of a name on; an attribute is located as
 * {@code .../ItemChargeAmount/@currencyID}; a missing element at the path it would have, with the line of its
 * parent. Errors are listed by line; at most {@value #MAX_ERRORS}. A document that is not well-formed XML is
 * located by {@code line L, column C}.
 */
public final class WcoDeclarationXmlTranslator implements Translator {

    /** The namespace of the declaration and of every element read from it. */
    public static final String NAMESPACE = "urn:wco:datamodel:WCO:DEC-DMS:2";

    /** Beyond this many errors the list would only grow the refusal, not help the sender. */
    static final int MAX_ERRORS = 1000;

    private static final String ROOT = "Declaration";
    static final String GOODS_ITEM = "GovernmentAgencyGoodsItem";
    private static final String TRANSPORT_DOCUMENT = "TransportContractDocument";
    private static final String EXPORTER = "Exporter";
    private static final Set<String> MASTER_DOCUMENT_CODES = Set.of("704", "741");
    private static final String HS = "HS";
    private static final String KILOGRAM = "KGM";
    private static final String EXPORTER_ROLE = "EX";
    private static final String IMPORTER_ROLE = "IM";

    private static final String TRANSPORT_MODE = "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), "
            + "3 (road), 4 (air) or 5 (post)";
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

    @Override
    public DocumentFormat format() {
        return DocumentFormat.WCO_DEC_XML;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        Reading reading = WcoDeclarationTree.read(document);
        if (reading.failure != null) {
            return new Translation.Invalid(format(), List.of(reading.failure));
        }
        Node root = reading.root;
        if (!root.ours || !ROOT.equals(root.name)) {
            // another document: its fields mean nothing here
            return new Translation.Invalid(format(), List.of(new LocatedError(root.path + ", line " + root.line,
                    "the root element must be " + ROOT + " in namespace " + NAMESPACE)));
        }
        Mapping mapping = new Mapping();
        Optional<ShipmentRecord> record = mapping.shipment(root,
                new RecordSource(context.partnerId(), context.messageId(), format().id()));
        return record.isPresent()
                ? new Translation.Records(format(), List.<CanonicalRecord>of(record.get()))
                : new Translation.Invalid(format(), mapping.errors.list());
    }

    /** An error with the line it was found on, so that the list can be put in document order. */
    private record Found(int line, int order, LocatedError error) {}

    /** Every error of one declaration, at most {@value #MAX_ERRORS} of them. */
    private static final class Errors {
        private final List<Found> found = new ArrayList<>();
        private boolean truncated;

        void add(String path, int line, String message) {
            if (found.size() >= MAX_ERRORS) {
                truncated = true;
                return;
            }
            found.add(new Found(line, found.size(), new LocatedError(path + ", line " + line, message)));
        }

        boolean isEmpty() {
            return found.isEmpty();
        }

        List<LocatedError> list() {
            List<Found> sorted = new ArrayList<>(found);
            sorted.sort(Comparator.comparingInt(Found::line).thenComparingInt(Found::order));
            List<LocatedError> errors = new ArrayList<>(sorted.size() + 1);
            for (Found f : sorted) {
                errors.add(f.error());
            }
            if (truncated) {
                errors.add(new LocatedError("document",
                        "more than " + MAX_ERRORS + " errors; the rest are not listed"));
            }
            return errors;
        }
    }

    /** The tree of one declaration turned into a shipment record, every rule checked and every error kept. */
    private static final class Mapping {
        private final Errors errors = new Errors();

        Optional<ShipmentRecord> shipment(Node declaration, RecordSource source) {
            Node goodsShipment = child(declaration, "GoodsShipment", true);
            String platformId = token(child(child(declaration, "Declarant", false), "ID", false), false);
            String orderId =
                    token(child(child(goodsShipment, "UCR", false), "TraderAssignedReferenceID", false), false);
            Waybills waybills = waybills(child(goodsShipment, "Consignment", true));
            Map<String, String> tins = tins(goodsShipment);
            Party seller = party(exporter(declaration, goodsShipment), tins.get(EXPORTER_ROLE));
            Party buyer = party(child(goodsShipment, "Importer", true), tins.get(IMPORTER_ROLE));
            List<ShipmentItem> items = items(goodsShipment);
            String exportCountry = checked(child(child(goodsShipment, "ExportCountry", true), "ID", true),
                    true, Rules::isCountry, Rules.COUNTRY);
            String destinationCountry = checked(child(child(goodsShipment, "Destination", true), "CountryCode", true),
                    true, Rules::isCountry, Rules.COUNTRY);
            TransportMode transportMode = parsed(
                    child(child(declaration, "BorderTransportMeans", true), "ModeCode", true),
                    true, TransportMode::ofRec19Code, TRANSPORT_MODE);
            if (!errors.isEmpty()) {
                return Optional.empty(); // its errors are listed; a record of half a declaration means nothing
            }
            return Optional.of(ShipmentRecord.create(source, waybills.house(), waybills.master(), platformId, orderId,
                    seller, buyer, items, exportCountry, destinationCountry, transportMode));
        }

        private record Waybills(String house, String master) {}

        private Waybills waybills(Node consignment) {
            if (consignment == null) {
                return new Waybills(null, null);
            }
            Node house = null;
            Node master = null;
            for (Node document : consignment.all(TRANSPORT_DOCUMENT)) {
                String typeCode = token(child(document, "TypeCode", false), false);
                if (typeCode != null && MASTER_DOCUMENT_CODES.contains(typeCode)) {
                    if (master == null) {
                        master = document;
                    } else {
                        errors.add(document.path, document.line, "is a second master waybill: only one "
                                + TRANSPORT_DOCUMENT + " may have TypeCode 704 or 741");
                    }
                } else if (house == null) {
                    house = document;
                } else {
                    errors.add(document.path, document.line, "is a second house waybill: only one "
                            + TRANSPORT_DOCUMENT + " may be without master TypeCode 704 or 741");
                }
            }
            if (house == null) {
                missing(consignment, TRANSPORT_DOCUMENT + "/ID", HOUSE_WAYBILL_REQUIRED);
            }
            return new Waybills(token(child(house, "ID", true), true), token(child(master, "ID", true), true));
        }

        /** The tins by role code ({@code EX}, {@code IM}) from the goods shipment's domestic duty tax parties. */
        private Map<String, String> tins(Node goodsShipment) {
            Map<String, String> tins = new HashMap<>();
            if (goodsShipment == null) {
                return tins;
            }
            Map<String, String> roles = new HashMap<>();
            for (Node party : goodsShipment.all("DomesticDutyTaxParty")) {
                Node roleCode = child(party, "RoleCode", false);
                String role = token(roleCode, false);
                if (!EXPORTER_ROLE.equals(role) && !IMPORTER_ROLE.equals(role)) {
                    continue; // another party's tax reference (a representative's, a VAT role): not one of the record
                }
                String earlier = roles.putIfAbsent(role, party.path);
                if (earlier != null) {
                    errors.add(roleCode.path, roleCode.line, "repeats the RoleCode " + role + " of " + earlier);
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
        private Node exporter(Node declaration, Node goodsShipment) {
            Node atDeclaration = child(declaration, EXPORTER, false);
            Node atGoodsShipment = child(goodsShipment, EXPORTER, atDeclaration == null);
            if (atDeclaration != null && atGoodsShipment != null) {
                errors.add(atGoodsShipment.path, atGoodsShipment.line, "repeats the seller of " + atDeclaration.path
                        + ": the Exporter is given once, under Declaration or under GoodsShipment");
                return null;
            }
            return atGoodsShipment != null ? atGoodsShipment : atDeclaration;
        }

        private Party party(Node party, String tin) {
            if (party == null) {
                return null;
            }
            String name = text(child(party, "Name", true), true);
            String aeoId = checked(child(party, "ID", false), false, Rules::isAeoId, Rules.AEO_ID);
            Node address = child(party, "Address", true);
            String line = text(child(address, "Line", false), false);
            String city = text(child(address, "CityName", false), false);
            String postcode = token(child(address, "PostcodeID", false), false);
            String country = checked(child(address, "CountryCode", true), true, Rules::isCountry, Rules.COUNTRY);
            return address == null ? null : new Party(name, tin, aeoId, new Address(line, city, postcode, country));
        }

        private List<ShipmentItem> items(Node goodsShipment) {
            if (goodsShipment == null) {
                return List.of();
            }
            List<Node> goods = goodsShipment.all(GOODS_ITEM);
            if (goods.isEmpty()) {
                missing(goodsShipment, GOODS_ITEM, Rules.REQUIRED);
                return List.of();
            }
            List<ShipmentItem> items = new ArrayList<>(goods.size());
            Map<Integer, String> sequences = new HashMap<>();
            String currency = null;
            String currencyAt = null;
            for (Node item : goods) {
                Node sequence = child(item, "SequenceNumeric", true);
                Integer seq = parsed(sequence, true, WcoDeclarationXmlTranslator::sequence, SEQUENCE);
                if (seq != null) {
                    String earlier = sequences.putIfAbsent(seq, item.path);
                    if (earlier != null) {
                        errors.add(sequence.path, sequence.line, "repeats the SequenceNumeric of " + earlier);
                    }
                }
                Node commodity = child(item, "Commodity", true);
                String description = text(child(commodity, "Description", true), true);
                String hsCode =
                        checked(child(classification(commodity), "ID", true), true, Rules::isHsCode, Rules.HS_CODE);
                Node measure = child(commodity, "GoodsMeasure", true);
                Node tariffQuantity = child(measure, "TariffQuantity", true);
                BigDecimal quantity = decimal(tariffQuantity, true, true);
                String unit = attribute(tariffQuantity, "unitCode", false);
                Node grossMass = child(measure, "GrossMassMeasure", false);
                BigDecimal grossMassKg = decimal(grossMass, false, false);
                String massUnit = attribute(grossMass, "unitCode", true);
                if (massUnit != null && !KILOGRAM.equals(massUnit)) {
                    errors.add(grossMass.path + "/@unitCode", grossMass.line, GROSS_MASS_UNIT);
                }
                Node amount = child(child(commodity, "InvoiceLine", true), "ItemChargeAmount", true);
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
                    errors.add(amount.path + "/@currencyID", amount.line, "is " + itemCurrency + " but " + currencyAt
                            + " is " + currency + ": all goods of a shipment are in one currency");
                }
                String origin = checked(child(child(item, "Origin", true), "CountryCode", true), true,
                        Rules::isCountry, Rules.COUNTRY);
                if (seq != null && value != null && itemCurrency != null) {
                    items.add(new ShipmentItem(seq, description, hsCode, quantity, unit,
                            grossMassKg == null ? null : grossMassKg.toPlainString(), value.toPlainString(),
                            itemCurrency, origin));
                }
            }
            return items;
        }

        /** The one HS classification of a commodity; national tariff and additional codes are skipped. */
        private Node classification(Node commodity) {
            if (commodity == null) {
                return null;
            }
            Node found = null;
            for (Node classification : commodity.all("Classification")) {
                String type = token(child(classification, "IdentificationTypeCode", false), false);
                if (type != null && !HS.equals(type)) {
                    continue; // e.g. a TARIC or national commodity code beside the HS code
                }
                if (found == null) {
                    found = classification;
                } else {
                    errors.add(classification.path, classification.line, "is a second HS Classification: only one "
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
        private Node child(Node parent, String name, boolean required) {
            if (parent == null) {
                return null; // the parent's absence is reported once, not again for each of its fields
            }
            List<Node> all = parent.all(name);
            if (all.isEmpty()) {
                if (required) {
                    missing(parent, name, Rules.REQUIRED);
                }
                return null;
            }
            for (Node extra : all.subList(1, all.size())) {
                errors.add(extra.path, extra.line, ONCE);
            }
            return all.get(0);
        }

        private void missing(Node parent, String name, String message) {
            errors.add(parent.path + "/" + name, parent.line, message);
        }

        /** The element's text exactly as sent; null when absent or empty (an error when required). */
        private String text(Node node, boolean required) {
            return text(node, required, false);
        }

        /** The element's text without surrounding white space; null when absent or empty (an error when required). */
        private String token(Node node, boolean required) {
            return text(node, required, true);
        }

        private String text(Node node, boolean required, boolean strip) {
            if (node == null) {
                return null;
            }
            if (!node.children.isEmpty()) {
                errors.add(node.path, node.line, TEXT_ONLY);
                return null;
            }
            String text = node.text.toString();
            if (text.isBlank()) {
                if (required) {
                    errors.add(node.path, node.line, Rules.REQUIRED);
                }
                return null;
            }
            return strip ? text.strip() : text;
        }

        /** A token that must satisfy a rule, e.g. an ISO country code. */
        private String checked(Node node, boolean required, Predicate<String> rule, String message) {
            return parsed(node, required, text -> rule.test(text) ? Optional.of(text) : Optional.empty(), message);
        }

        /** A token turned into a value by {@code parse}; {@code rule} is the message when that fails. */
        private <T> T parsed(Node node, boolean required, Function<String, Optional<T>> parse, String rule) {
            String text = token(node, required);
            if (text == null) {
                return null;
            }
            Optional<T> value = parse.apply(text);
            if (value.isEmpty()) {
                errors.add(node.path, node.line, rule);
                return null;
            }
            return value.get();
        }

        /** A plain decimal, exact as sent; {@code positive} refuses zero (signs are refused anyway). */
        private BigDecimal decimal(Node node, boolean required, boolean positive) {
            BigDecimal value = parsed(node, required, Rules::decimalText, DECIMAL);
            if (value != null && positive && value.signum() == 0) {
                errors.add(node.path, node.line, "must be greater than zero");
                return null;
            }
            return value;
        }

        /** An attribute of a present element without surrounding white space; null when absent or empty. */
        private String attribute(Node node, String name, boolean required) {
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
    }

    private static Optional<Integer> sequence(String text) {
        if (!SEQUENCE_SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        int value = Integer.parseInt(text);
        return value >= 1 ? Optional.of(value) : Optional.empty();
    }
}
