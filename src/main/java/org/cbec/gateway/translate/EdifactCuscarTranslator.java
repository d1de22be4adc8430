package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.Party;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;
import org.cbec.gateway.translate.EdifactInterchange.Errors;
import org.cbec.gateway.translate.EdifactInterchange.Segment;

/**
 * {@code edifact-cuscar}: a UN/EDIFACT interchange of CUSCAR cargo reports (directory D.01B or later), one
 * canonical {@code ECOM_SHIPMENT} record per house consignment (consignment group {@code CNI}). Read with
 * StAEDI (see {@link EdifactInterchange} for the syntax: {@code UNA}, release characters, character sets
 * UNOA/UNOB/UNOC/UNOW/UNOY, control counts). Several messages may share the interchange; all must be
 * CUSCAR. Errors are located as {@code segment N (TAG), element E, component C}; every one is reported and
 * any error makes the whole document invalid.
 *
 * <p>What is read (element positions as in the directory; a qualifier not listed is ignored):
 * <table>
 * <caption>CUSCAR to ECOM_SHIPMENT</caption>
 * <tr><th>field</th><th>from</th></tr>
 * <tr><td>houseTransportDocId</td><td>{@code RFF+BH:<id>} in the CNI group (required, once per interchange);
 *     {@code recordId} is partner id {@code :} house bill</td></tr>
 * <tr><td>masterTransportDocId</td><td>{@code RFF+MB:<id>} in the CNI group, else in the message header</td></tr>
 * <tr><td>orderId</td><td>{@code RFF+ON:<id>} (order number, buyer) in the CNI group</td></tr>
 * <tr><td>platformId</td><td>party id of {@code NAD+ZZZ} (mutually defined party: the e-commerce platform,
 *     for which UN/EDIFACT has no party code) in the CNI group</td></tr>
 * <tr><td>seller</td><td>{@code NAD+CZ} (consignor) in the CNI group: name C080 (its components joined with
 *     a space, required), street C059 (joined likewise), city 3164, postcode 3251, country 3207 (ISO
 *     3166-1 alpha-2, required). The party id C082/3039 is the AEO id when its code list agency 3055 is
 *     empty or {@code ZZZ} (mutually defined); with any other agency (a GLN, a DUNS number) it is not an
 *     AEO id and is not read. An {@code RFF+FC} (fiscal number) after the NAD (CTA, COM and DTM may stand
 *     between) gives the party's tin; after the NAD of another party it is not read.</td></tr>
 * <tr><td>buyer</td><td>{@code NAD+CN} (consignee), read as the seller</td></tr>
 * <tr><td>items</td><td>each {@code GID} group: seq from GID 1496; description from {@code FTX+AAA} C108
 *     (components, and repeated FTX+AAA, joined with a space); hsCode from the {@code PIA} C212 whose
 *     item type 7143 is {@code HS} (6 to 10 digits); quantity and unit from {@code QTY+1} (discrete
 *     quantity) 6060/6411, else from GID C213 number of packages 7224 and package type 7065; grossMassKg
 *     from {@code MEA+AAE+G+KGM:<mass>} (unit KGM required); value and currency from {@code MOA+38}
 *     (invoice item amount) 5004/6345 (ISO 4217, one currency per consignment); originCountry from
 *     {@code LOC+27}</td></tr>
 * <tr><td>exportCountry, destinationCountry</td><td>{@code LOC+35} (exportation country) and {@code LOC+28}
 *     (country of destination) in the CNI group, else in the message header</td></tr>
 * <tr><td>transportMode</td><td>{@code TDT+20} (main carriage) C220/8067, a Recommendation 19 code 1 to 5,
 *     in the CNI group, else in the message header</td></tr>
 * </table>
 * "In the CNI group" means after CNI and before its first GID. Decimals are kept exact as sent, the decimal
 * mark turned into a point. Structure checked beyond StAEDI's: BGM right after UNH, tags of the CUSCAR
 * segment index only, goods-item segments ({@code PIA} and the like) only after a GID, GID only after a CNI,
 * the consignment references and parties above not inside goods items.
 */
public final class EdifactCuscarTranslator implements Translator {

    /** The message type of UNH S009 0065. */
    public static final String MESSAGE_TYPE = "CUSCAR";

    private static final String TRANSPORT_MODE = "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), "
            + "3 (road), 4 (air) or 5 (post)";
    private static final String DECIMAL = "must be an unsigned decimal number such as 59.80";

    /** The segment tags of CUSCAR in D.01B and later directories; any other tag is an unknown segment. */
    private static final Set<String> CUSCAR_TAGS = Set.of("BGM", "CNI", "CNT", "COM", "CPI", "CST", "CTA",
            "DGS", "DIM", "DOC", "DTM", "EQA", "EQD", "EQN", "FTX", "GDS", "GEI", "GID", "GIS", "GOR", "HAN",
            "LOC", "MEA", "MOA", "NAD", "PAC", "PCD", "PCI", "PIA", "QTY", "RFF", "RNG", "SEL", "SGP", "TCC",
            "TDT", "TMD", "TMP", "TOD", "TPL", "TSR");

    /** Segments that exist only inside a goods item group. */
    private static final Set<String> GOODS_ITEM_TAGS = Set.of("PIA", "PCI", "SGP", "DGS", "HAN", "TMD");

    private static final Pattern GOODS_ITEM_NUMBER = Pattern.compile("[0-9]{1,5}");
    private static final Pattern PACKAGE_COUNT = Pattern.compile("[0-9]{1,8}");
    private static final Pattern DIRECTORY_RELEASE = Pattern.compile("([0-9]{2})([A-Z])");

    @Override
    public DocumentFormat format() {
        return DocumentFormat.EDIFACT_CUSCAR;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        Errors errors = new Errors();
        EdifactInterchange interchange = new EdifactInterchange(document, errors);
        Messages messages = new Messages(interchange, errors,
                new RecordSource(context.partnerId(), context.messageId(), format().id()));
        if (interchange.read(messages) && messages.records.isEmpty() && errors.isEmpty()) {
            errors.add(Integer.MAX_VALUE, "document", "holds no consignment (CNI)");
        }
        return errors.isEmpty()
                ? new Translation.Records(format(), messages.records)
                : new Translation.Invalid(format(), errors.sorted());
    }

    /** A value that a group holds once, with the segment that gave it; present even when it was invalid. */
    private static final class Slot<T> {
        private Segment segment;
        private T value;

        boolean isPresent() {
            return segment != null;
        }

        T value() {
            return value;
        }

        /** Takes the value, or reports that the group already had one. */
        boolean set(Segment from, T newValue, String what, Errors errors, String group) {
            if (segment != null) {
                errors.add(from, "repeats the " + what + " of " + segment.at() + ": a " + group + " has one");
                return false;
            }
            segment = from;
            value = newValue;
            return true;
        }
    }

    /** The header values that consignments without their own fall back to. */
    private static final class Shared {
        final Slot<String> masterBill = new Slot<>();
        final Slot<String> exportCountry = new Slot<>();
        final Slot<String> destinationCountry = new Slot<>();
        final Slot<TransportMode> transportMode = new Slot<>();
    }

    /** A NAD party as read; fields null when absent or invalid. */
    private static final class PartyDraft {
        String name;
        String tin;
        String aeoId;
        String street;
        String city;
        String postcode;
        String country;
        boolean tinSeen;

        Party party() {
            return name == null || country == null ? null
                    : new Party(name, tin, aeoId, new Address(street, city, postcode, country));
        }
    }

    private static final class GoodsItem {
        final Segment gid;
        final Slot<Integer> seq = new Slot<>();
        final List<String> description = new ArrayList<>();
        final Slot<String> hsCode = new Slot<>();
        final Slot<BigDecimal> quantity = new Slot<>();
        String unit;
        BigDecimal packages;
        String packageType;
        final Slot<String> grossMass = new Slot<>();
        final Slot<String> value = new Slot<>();
        String currency;
        final Slot<String> origin = new Slot<>();

        GoodsItem(Segment gid) {
            this.gid = gid;
        }
    }

    private static final class Consignment {
        final Segment cni;
        final Shared own = new Shared();
        final Slot<String> houseBill = new Slot<>();
        final Slot<String> orderId = new Slot<>();
        final Slot<String> platformId = new Slot<>();
        final Slot<PartyDraft> seller = new Slot<>();
        final Slot<PartyDraft> buyer = new Slot<>();
        PartyDraft lastParty;
        boolean inOtherParty;
        GoodsItem goodsItem;
        boolean anyGoodsItem;
        final List<ShipmentItem> items = new ArrayList<>();
        final Map<Integer, Segment> itemNumbers = new HashMap<>();
        String currency;
        Segment currencyAt;

        Consignment(Segment cni) {
            this.cni = cni;
        }
    }

    private static final class Message {
        final boolean cuscar;
        final Segment unh;
        final Shared header = new Shared();
        boolean first = true;
        boolean anyConsignment;
        Consignment consignment;

        Message(Segment unh, boolean cuscar) {
            this.unh = unh;
            this.cuscar = cuscar;
        }
    }

    /** Walks the segments of the interchange, message by message; one instance per translation. */
    private static final class Messages implements Consumer<Segment> {
        private final EdifactInterchange interchange;
        private final Errors errors;
        private final RecordSource source;
        private final List<CanonicalRecord> records = new ArrayList<>();
        private final Map<String, Segment> houseBills = new HashMap<>();
        private Message message;

        Messages(EdifactInterchange interchange, Errors errors, RecordSource source) {
            this.interchange = interchange;
            this.errors = errors;
            this.source = source;
        }

        @Override
        public void accept(Segment segment) {
            switch (segment.tag()) {
                case "UNB" -> {
                    // the sender in UNB is not the partner: the gateway knows the partner from the signature
                }
                case "UNH" -> {
                    endMessage();
                    message = new Message(segment, messageHeader(segment));
                }
                case "UNT", "UNZ" -> endMessage();
                default -> {
                    if (message != null && message.cuscar) {
                        messageSegment(message, segment);
                    }
                }
            }
        }

        /** Whether UNH announces a CUSCAR message of directory D.01B or later; errors if not. */
        private boolean messageHeader(Segment unh) {
            String type = unh.text(2, 1);
            if (!MESSAGE_TYPE.equals(type)) {
                errors.add(unh, 2, 1, "is " + (type.isEmpty() ? "empty" : type)
                        + ": an edifact-cuscar interchange holds CUSCAR messages only");
                return false;
            }
            if (!"D".equals(unh.text(2, 2))) {
                errors.add(unh, 2, 2, "must be D: CUSCAR of a UN/EDIFACT D directory");
            }
            if (!isD01bOrLater(unh.text(2, 3))) {
                errors.add(unh, 2, 3, "must be directory release 01B or later");
            }
            if (!"UN".equals(unh.text(2, 4))) {
                errors.add(unh, 2, 4, "must be UN, the controlling agency of UN/EDIFACT directories");
            }
            return true;
        }

        private static boolean isD01bOrLater(String release) {
            var matcher = DIRECTORY_RELEASE.matcher(release);
            if (!matcher.matches()) {
                return false;
            }
            int twoDigits = Integer.parseInt(matcher.group(1));
            // 90A to 99B were the directories of the 1990s; 00A onwards of this century
            int year = twoDigits >= 90 ? 1900 + twoDigits : 2000 + twoDigits;
            return year > 2001 || (year == 2001 && matcher.group(2).compareTo("B") >= 0);
        }

        private void endMessage() {
            if (message == null) {
                return;
            }
            if (message.cuscar) {
                endConsignment(message);
                if (!message.anyConsignment) {
                    errors.add(message.unh, "starts a CUSCAR message without consignment (CNI)");
                }
            }
            message = null;
        }

        private void messageSegment(Message current, Segment segment) {
            String tag = segment.tag();
            boolean bgm = "BGM".equals(tag);
            if (current.first && !bgm) {
                errors.add(segment, "is misplaced: a CUSCAR message starts with BGM, right after UNH");
            } else if (!current.first && bgm) {
                errors.add(segment, "is misplaced: BGM comes once, right after UNH");
            }
            current.first = false;
            if (!CUSCAR_TAGS.contains(tag)) {
                errors.add(segment, "is an unknown segment: " + tag + " is not a segment of the CUSCAR message");
                return;
            }
            Consignment consignment = current.consignment;
            switch (tag) {
                case "CNI" -> {
                    endConsignment(current);
                    current.consignment = new Consignment(segment);
                    current.anyConsignment = true;
                    return;
                }
                case "GID" -> {
                    if (consignment == null) {
                        errors.add(segment, "is misplaced: a goods item (GID) belongs to a consignment, after CNI");
                        return;
                    }
                    endGoodsItem(consignment);
                    consignment.goodsItem = goodsItem(segment, consignment);
                    consignment.anyGoodsItem = true;
                    return;
                }
                default -> {
                    // the other segments are read below, by where they stand
                }
            }
            GoodsItem goodsItem = consignment == null ? null : consignment.goodsItem;
            if (GOODS_ITEM_TAGS.contains(tag) && goodsItem == null) {
                errors.add(segment, "is misplaced: " + tag + " belongs to a goods item, after GID");
                return;
            }
            if (goodsItem != null) {
                goodsItemSegment(consignment, goodsItem, segment);
            } else if (consignment != null) {
                consignmentSegment(consignment, segment);
            } else {
                headerSegment(current.header, segment);
            }
        }

        private void headerSegment(Shared header, Segment segment) {
            String qualifier = segment.text(1);
            switch (segment.tag()) {
                case "RFF" -> {
                    String reference = segment.text(1, 1);
                    if ("MB".equals(reference)) {
                        header.masterBill.set(segment, required(segment, 1, 2), "master bill (RFF+MB)", errors,
                                "message header");
                    } else if (isConsignmentReference(reference)) {
                        misplacedInConsignment(segment, "RFF+" + reference);
                    }
                }
                case "NAD" -> {
                    if (isConsignmentParty(qualifier)) {
                        misplacedInConsignment(segment, "NAD+" + qualifier);
                    }
                }
                default -> sharedSegment(header, segment, "message header");
            }
        }

        private void consignmentSegment(Consignment consignment, Segment segment) {
            String qualifier = segment.text(1);
            switch (segment.tag()) {
                case "RFF" -> consignmentReference(consignment, segment);
                case "NAD" -> {
                    consignment.lastParty = null;
                    consignment.inOtherParty = !isConsignmentParty(qualifier);
                    switch (qualifier) {
                        case "CZ" -> party(consignment, consignment.seller, segment, "consignor (NAD+CZ)");
                        case "CN" -> party(consignment, consignment.buyer, segment, "consignee (NAD+CN)");
                        case "ZZZ" -> consignment.platformId.set(segment, required(segment, 2, 1),
                                "platform (NAD+ZZZ)", errors, "consignment");
                        default -> {
                            // carriers, notify parties and the like are not part of the canonical record
                        }
                    }
                }
                case "CTA", "COM", "DTM" -> {
                    // contact details and dates stay within the party group of the NAD before them
                }
                default -> {
                    consignment.lastParty = null;
                    consignment.inOtherParty = false;
                    sharedSegment(consignment.own, segment, "consignment");
                }
            }
        }

        private void consignmentReference(Consignment consignment, Segment segment) {
            String reference = segment.text(1, 1);
            switch (reference) {
                case "BH" -> {
                    String houseBill = required(segment, 1, 2);
                    if (consignment.houseBill.set(segment, houseBill, "house bill (RFF+BH)", errors, "consignment")
                            && houseBill != null) {
                        Segment earlier = houseBills.putIfAbsent(houseBill, segment);
                        if (earlier != null) {
                            errors.add(segment, 1, 2, "repeats the house bill of " + earlier.at()
                                    + ": each house consignment is reported once");
                        }
                    }
                }
                case "MB" -> consignment.own.masterBill.set(segment, required(segment, 1, 2),
                        "master bill (RFF+MB)", errors, "consignment");
                case "ON" -> consignment.orderId.set(segment, required(segment, 1, 2), "order number (RFF+ON)",
                        errors, "consignment");
                case "FC" -> {
                    PartyDraft party = consignment.lastParty;
                    if (consignment.inOtherParty) {
                        return; // the tax id of a carrier or another party the record does not hold
                    }
                    if (party == null) {
                        errors.add(segment, "is misplaced: RFF+FC follows the NAD of the party whose tax id it gives");
                    } else if (party.tinSeen) {
                        errors.add(segment, "repeats the tax id (RFF+FC) of its party: a party has one");
                    } else {
                        party.tinSeen = true;
                        party.tin = required(segment, 1, 2);
                    }
                    return;
                }
                default -> {
                    // other references (bookings, permits, containers) are not part of the canonical record
                }
            }
            consignment.lastParty = null;
            consignment.inOtherParty = false;
        }

        /** TDT+20, LOC+35 and LOC+28: in a consignment for itself, in the header for all consignments. */
        private void sharedSegment(Shared shared, Segment segment, String group) {
            String qualifier = segment.text(1);
            switch (segment.tag()) {
                case "TDT" -> {
                    if ("20".equals(qualifier)) {
                        shared.transportMode.set(segment, transportMode(segment), "main-carriage transport (TDT+20)",
                                errors, group);
                    }
                }
                case "LOC" -> {
                    if ("35".equals(qualifier)) {
                        shared.exportCountry.set(segment, country(segment, 2, 1), "export country (LOC+35)", errors,
                                group);
                    } else if ("28".equals(qualifier)) {
                        shared.destinationCountry.set(segment, country(segment, 2, 1),
                                "destination country (LOC+28)", errors, group);
                    }
                }
                default -> {
                    // the rest of the CUSCAR header and consignment group is not part of the canonical record
                }
            }
        }

        private void goodsItemSegment(Consignment consignment, GoodsItem item, Segment segment) {
            String qualifier = segment.text(1);
            switch (segment.tag()) {
                case "FTX" -> {
                    if ("AAA".equals(qualifier)) {
                        item.description.addAll(segment.components(4));
                    }
                }
                case "PIA" -> hsCode(item, segment);
                case "QTY" -> {
                    if ("1".equals(segment.text(1, 1))) {
                        item.quantity.set(segment, positive(segment, 1, 2, DECIMAL), "quantity (QTY+1)", errors,
                                "goods item");
                        item.unit = blankToNull(segment.text(1, 3));
                    }
                }
                case "MEA" -> {
                    if ("AAE".equals(qualifier) && "G".equals(segment.text(2, 1))) {
                        item.grossMass.set(segment, grossMass(segment), "gross weight (MEA+AAE+G)", errors,
                                "goods item");
                    }
                }
                case "MOA" -> {
                    if ("38".equals(segment.text(1, 1))) {
                        value(consignment, item, segment);
                    }
                }
                case "LOC" -> {
                    if ("27".equals(qualifier)) {
                        item.origin.set(segment, country(segment, 2, 1), "country of origin (LOC+27)", errors,
                                "goods item");
                    } else if ("35".equals(qualifier) || "28".equals(qualifier)) {
                        misplacedInGoodsItem(segment, "LOC+" + qualifier);
                    }
                }
                case "TDT" -> {
                    if ("20".equals(qualifier)) {
                        misplacedInGoodsItem(segment, "TDT+20");
                    }
                }
                case "RFF" -> {
                    String reference = segment.text(1, 1);
                    if ("MB".equals(reference)) {
                        misplacedInGoodsItem(segment, "RFF+MB");
                    } else if (isConsignmentReference(reference)) {
                        misplacedInConsignment(segment, "RFF+" + reference);
                    }
                }
                case "NAD" -> {
                    if (isConsignmentParty(qualifier)) {
                        misplacedInConsignment(segment, "NAD+" + qualifier);
                    }
                }
                default -> {
                    // handling, dangerous goods, equipment and the like are not part of the canonical record
                }
            }
        }

        private static boolean isConsignmentReference(String reference) {
            return "BH".equals(reference) || "ON".equals(reference);
        }

        private static boolean isConsignmentParty(String function) {
            return "CZ".equals(function) || "CN".equals(function) || "ZZZ".equals(function);
        }

        private void misplacedInConsignment(Segment segment, String what) {
            errors.add(segment, "is misplaced: " + what + " belongs to a consignment, after CNI and before its "
                    + "first GID");
        }

        private void misplacedInGoodsItem(Segment segment, String what) {
            errors.add(segment, "is misplaced: " + what + " belongs to the message header or to a consignment "
                    + "before its first GID");
        }

        private GoodsItem goodsItem(Segment gid, Consignment consignment) {
            GoodsItem item = new GoodsItem(gid);
            String number = gid.text(1);
            if (number.isEmpty()) {
                errors.add(gid, 1, Rules.REQUIRED);
            } else if (!GOODS_ITEM_NUMBER.matcher(number).matches() || Integer.parseInt(number) == 0) {
                errors.add(gid, 1, "must be a goods item number from 1 to 99999");
            } else {
                int seq = Integer.parseInt(number);
                item.seq.set(gid, seq, "goods item number", errors, "goods item");
                Segment earlier = consignment.itemNumbers.putIfAbsent(seq, gid);
                if (earlier != null) {
                    errors.add(gid, 1, "repeats the goods item number of " + earlier.at());
                }
            }
            String packages = gid.text(2, 1);
            if (!packages.isEmpty()) {
                if (!PACKAGE_COUNT.matcher(packages).matches() || new BigDecimal(packages).signum() == 0) {
                    errors.add(gid, 2, 1, "must be a number of packages from 1 to 99999999");
                } else {
                    item.packages = new BigDecimal(packages);
                    item.packageType = blankToNull(gid.text(2, 2));
                }
            }
            return item;
        }

        /** The C212 item ids of type HS; ids of other types (an article number, a national code) are skipped. */
        private void hsCode(GoodsItem item, Segment pia) {
            for (int element = 2; element <= pia.elements().size(); element++) {
                if ("HS".equals(pia.text(element, 2))) {
                    String code = pia.text(element, 1);
                    if (!Rules.isHsCode(code)) {
                        errors.add(pia, element, 1, Rules.HS_CODE);
                        code = null;
                    }
                    item.hsCode.set(pia, code, "HS code (PIA)", errors, "goods item");
                }
            }
        }

        private String grossMass(Segment mea) {
            String unit = mea.text(3, 1);
            if (!"KGM".equals(unit)) {
                errors.add(mea, 3, 1, unit.isEmpty() ? Rules.REQUIRED : "must be KGM: gross weight is in kilograms");
            }
            String mass = mea.text(3, 2);
            if (mass.isEmpty()) {
                errors.add(mea, 3, 2, Rules.REQUIRED);
                return null;
            }
            Optional<BigDecimal> parsed = decimal(mass);
            if (parsed.isEmpty()) {
                errors.add(mea, 3, 2, DECIMAL);
                return null;
            }
            return "KGM".equals(unit) ? parsed.get().toPlainString() : null;
        }

        private void value(Consignment consignment, GoodsItem item, Segment moa) {
            String amount = moa.text(1, 2);
            String value = null;
            if (amount.isEmpty()) {
                errors.add(moa, 1, 2, Rules.REQUIRED);
            } else {
                Optional<BigDecimal> parsed = decimal(amount);
                if (parsed.isEmpty()) {
                    errors.add(moa, 1, 2, DECIMAL);
                } else {
                    value = parsed.get().toPlainString();
                }
            }
            String currency = moa.text(1, 3);
            if (currency.isEmpty()) {
                errors.add(moa, 1, 3, Rules.REQUIRED);
                currency = null;
            } else if (!Rules.isCurrency(currency)) {
                errors.add(moa, 1, 3, Rules.CURRENCY);
                currency = null;
            }
            if (!item.value.set(moa, value, "value (MOA+38)", errors, "goods item")) {
                return;
            }
            item.currency = currency;
            if (currency != null && consignment.currency == null) {
                consignment.currency = currency;
                consignment.currencyAt = moa;
            } else if (currency != null && !currency.equals(consignment.currency)) {
                errors.add(moa, 1, 3, "is " + currency + " but " + consignment.currencyAt.at() + " is "
                        + consignment.currency + ": all goods of a consignment are in one currency");
            }
        }

        private void party(Consignment consignment, Slot<PartyDraft> slot, Segment nad, String what) {
            PartyDraft party = new PartyDraft();
            String id = nad.text(2, 1);
            String agency = nad.text(2, 3);
            // only an id from a mutually agreed list is an AEO id; a GLN or DUNS number is some other id
            if (!id.isEmpty() && (agency.isEmpty() || "ZZZ".equals(agency))) {
                if (Rules.isAeoId(id)) {
                    party.aeoId = id;
                } else {
                    errors.add(nad, 2, 1, Rules.AEO_ID);
                }
            }
            List<String> name = nad.components(4);
            if (name.isEmpty()) {
                errors.add(nad, 4, 1, Rules.REQUIRED);
            } else {
                party.name = String.join(" ", name);
            }
            List<String> street = nad.components(5);
            party.street = street.isEmpty() ? null : String.join(" ", street);
            party.city = blankToNull(nad.text(6));
            party.postcode = blankToNull(nad.text(8));
            party.country = country(nad, 9, 1);
            if (slot.set(nad, party, what, errors, "consignment")) {
                consignment.lastParty = party;
            }
        }

        private TransportMode transportMode(Segment tdt) {
            String code = tdt.text(3, 1);
            if (code.isEmpty()) {
                errors.add(tdt, 3, 1, Rules.REQUIRED);
                return null;
            }
            Optional<TransportMode> mode = TransportMode.ofRec19Code(code);
            if (mode.isEmpty()) {
                errors.add(tdt, 3, 1, TRANSPORT_MODE);
                return null;
            }
            return mode.get();
        }

        /** An ISO country code, located at element and component for a composite, at element for element 9. */
        private String country(Segment segment, int element, int component) {
            String code = segment.text(element, component);
            boolean simple = "NAD".equals(segment.tag());
            String where = simple ? segment.at(element) : segment.at(element, component);
            if (code.isEmpty()) {
                errors.add(segment.position(), where, Rules.REQUIRED);
                return null;
            }
            if (!Rules.isCountry(code)) {
                errors.add(segment.position(), where, Rules.COUNTRY);
                return null;
            }
            return code;
        }

        private String required(Segment segment, int element, int component) {
            String text = segment.text(element, component);
            if (text.isEmpty()) {
                errors.add(segment, element, component, Rules.REQUIRED);
                return null;
            }
            return text;
        }

        private BigDecimal positive(Segment segment, int element, int component, String rule) {
            String text = segment.text(element, component);
            if (text.isEmpty()) {
                errors.add(segment, element, component, Rules.REQUIRED);
                return null;
            }
            Optional<BigDecimal> parsed = decimal(text);
            if (parsed.isEmpty()) {
                errors.add(segment, element, component, rule);
                return null;
            }
            if (parsed.get().signum() == 0) {
                errors.add(segment, element, component, "must be greater than zero");
                return null;
            }
            return parsed.get();
        }

        /** EDIFACT numbers carry the interchange's decimal mark; the canonical record a point. */
        private Optional<BigDecimal> decimal(String text) {
            int point = text.indexOf('.');
            int comma = text.indexOf(',');
            if ((point >= 0 && !interchange.isDecimalMark('.')) || (comma >= 0 && !interchange.isDecimalMark(','))) {
                return Optional.empty();
            }
            return Rules.decimalText(text.replace(',', '.'));
        }

        private void endGoodsItem(Consignment consignment) {
            GoodsItem item = consignment.goodsItem;
            if (item == null) {
                return;
            }
            consignment.goodsItem = null;
            Segment gid = item.gid;
            String description = item.description.isEmpty() ? null : String.join(" ", item.description);
            if (description == null) {
                errors.add(gid, "starts a goods item without description (FTX+AAA)");
            }
            if (!item.hsCode.isPresent()) {
                errors.add(gid, "starts a goods item without HS code (PIA with item type HS)");
            }
            BigDecimal quantity = item.quantity.isPresent() ? item.quantity.value() : item.packages;
            String unit = item.quantity.isPresent() ? item.unit : item.packageType;
            if (!item.quantity.isPresent() && item.packages == null && !gid.text(2, 1).isEmpty()) {
                quantity = null; // the number of packages was there but wrong: already reported
            } else if (!item.quantity.isPresent() && item.packages == null) {
                errors.add(gid, "starts a goods item without quantity (QTY+1, or the number of packages in GID)");
            }
            if (!item.value.isPresent()) {
                errors.add(gid, "starts a goods item without value (MOA+38)");
            }
            if (!item.origin.isPresent()) {
                errors.add(gid, "starts a goods item without country of origin (LOC+27)");
            }
            if (errors.isEmpty()) { // an item is only made while the document is valid so far
                consignment.items.add(new ShipmentItem(item.seq.value(), description, item.hsCode.value(), quantity,
                        unit, item.grossMass.value(), item.value.value(), item.currency, item.origin.value()));
            }
        }

        private void endConsignment(Message current) {
            Consignment consignment = current.consignment;
            if (consignment == null) {
                return;
            }
            endGoodsItem(consignment);
            current.consignment = null;
            Segment cni = consignment.cni;
            if (!consignment.houseBill.isPresent()) {
                errors.add(cni, "starts a consignment without house bill (RFF+BH)");
            }
            if (!consignment.seller.isPresent()) {
                errors.add(cni, "starts a consignment without consignor (NAD+CZ)");
            }
            if (!consignment.buyer.isPresent()) {
                errors.add(cni, "starts a consignment without consignee (NAD+CN)");
            }
            if (!consignment.anyGoodsItem) {
                errors.add(cni, "starts a consignment without goods item (GID)");
            }
            Shared own = consignment.own;
            Shared header = current.header;
            Slot<String> masterBill = own.masterBill.isPresent() ? own.masterBill : header.masterBill;
            Slot<String> exportCountry = own.exportCountry.isPresent() ? own.exportCountry : header.exportCountry;
            Slot<String> destination =
                    own.destinationCountry.isPresent() ? own.destinationCountry : header.destinationCountry;
            Slot<TransportMode> mode = own.transportMode.isPresent() ? own.transportMode : header.transportMode;
            String fallback = " in its CNI group or in the message header";
            if (!exportCountry.isPresent()) {
                errors.add(cni, "starts a consignment without export country (LOC+35" + fallback + ")");
            }
            if (!destination.isPresent()) {
                errors.add(cni, "starts a consignment without destination country (LOC+28" + fallback + ")");
            }
            if (!mode.isPresent()) {
                errors.add(cni, "starts a consignment without transport mode (TDT+20" + fallback + ")");
            }
            if (!errors.isEmpty()) {
                return; // the document is invalid: no record is made, only errors are listed
            }
            Party seller = consignment.seller.value().party();
            Party buyer = consignment.buyer.value().party();
            records.add(ShipmentRecord.create(source, consignment.houseBill.value(), masterBill.value(),
                    consignment.platformId.value(), consignment.orderId.value(), seller, buyer, consignment.items,
                    exportCountry.value(), destination.value(), mode.value()));
        }

        private static String blankToNull(String text) {
            return text.isEmpty() ? null : text;
        }
    }
}
