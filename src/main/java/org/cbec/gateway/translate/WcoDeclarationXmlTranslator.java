package org.cbec.gateway.translate;

import java.util.List;
import java.util.Optional;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.translate.XmlTree.Element;

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
 * entities; bounded nesting) into a small tree of the declaration's own elements ({@link XmlTree}). Every error is reported,
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

    @Override
    public DocumentFormat format() {
        return DocumentFormat.WCO_DEC_XML;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        XmlTree tree = new XmlTree(NAMESPACE, GOODS_ITEM);
        Optional<LocatedError> failure = tree.read(document);
        if (failure.isPresent()) {
            return new Translation.Invalid(format(), List.of(failure.get()));
        }
        Element root = tree.root();
        if (!root.ours || !ROOT.equals(root.name)) {
            // another document: its fields mean nothing here
            return new Translation.Invalid(
                    format(),
                    List.of(new LocatedError(
                            root.path + ", line " + root.line,
                            "the root element must be " + ROOT + " in namespace " + NAMESPACE)));
        }
        WcoDeclarationMapping mapping = new WcoDeclarationMapping();
        Optional<ShipmentRecord> record = mapping.shipment(root, context.source(format()));
        return record.isPresent()
                ? new Translation.Records(format(), List.<CanonicalRecord>of(record.get()))
                : new Translation.Invalid(format(), mapping.errors.list());
    }
}
