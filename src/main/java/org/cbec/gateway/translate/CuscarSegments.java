package org.cbec.gateway.translate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.translate.CuscarDrafts.Consignment;
import org.cbec.gateway.translate.CuscarDrafts.GoodsItem;
import org.cbec.gateway.translate.CuscarDrafts.Message;
import org.cbec.gateway.translate.CuscarDrafts.PartyDraft;
import org.cbec.gateway.translate.CuscarDrafts.Shared;

/**
 * Walks the segments of a CUSCAR interchange, message by message, and hands each to its group: message header,
 * consignment (CNI) or goods item (GID); checks where each segment stands. One instance per translation.
 */
final class CuscarSegments implements Consumer<EdifactSegment> {
    /** The segment tags of CUSCAR in D.01B and later directories; any other tag is an unknown segment. */
    private static final Set<String> CUSCAR_TAGS = Set.of(
            "BGM", "CNI", "CNT", "COM", "CPI", "CST", "CTA", "DGS", "DIM", "DOC", "DTM", "EQA", "EQD", "EQN", "FTX",
            "GDS", "GEI", "GID", "GIS", "GOR", "HAN", "LOC", "MEA", "MOA", "NAD", "PAC", "PCD", "PCI", "PIA", "QTY",
            "RFF", "RNG", "SEL", "SGP", "TCC", "TDT", "TMD", "TMP", "TOD", "TPL", "TSR");

    /** Segments that exist only inside a goods item group. */
    private static final Set<String> GOODS_ITEM_TAGS = Set.of("PIA", "PCI", "SGP", "DGS", "HAN", "TMD");

    private static final Pattern DIRECTORY_RELEASE = Pattern.compile("([0-9]{2})([A-Z])");

    private final EdifactErrors errors;
    private final CuscarElements elements;
    private final CuscarRecords ends;
    private final Map<String, EdifactSegment> houseBills = new HashMap<>();
    private Message message;

    CuscarSegments(EdifactInterchange interchange, EdifactErrors errors, RecordSource source) {
        this.errors = errors;
        this.elements = new CuscarElements(interchange, errors);
        this.ends = new CuscarRecords(errors, source);
    }

    /** The records made so far, one per consignment. */
    List<CanonicalRecord> records() {
        return ends.records();
    }

    @Override
    public void accept(EdifactSegment segment) {
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
    private boolean messageHeader(EdifactSegment unh) {
        String type = unh.text(2, 1);
        if (!EdifactCuscarTranslator.MESSAGE_TYPE.equals(type)) {
            errors.add(
                    unh,
                    2,
                    1,
                    "is " + (type.isEmpty() ? "empty" : type)
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
            ends.endConsignment(message);
            if (!message.anyConsignment) {
                errors.add(message.unh, "starts a CUSCAR message without consignment (CNI)");
            }
        }
        message = null;
    }

    private void messageSegment(Message current, EdifactSegment segment) {
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
                ends.endConsignment(current);
                current.consignment = new Consignment(segment);
                current.anyConsignment = true;
                return;
            }
            case "GID" -> {
                if (consignment == null) {
                    errors.add(segment, "is misplaced: a goods item (GID) belongs to a consignment, after CNI");
                    return;
                }
                ends.endGoodsItem(consignment);
                consignment.goodsItem = elements.goodsItem(segment, consignment);
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

    private void headerSegment(Shared header, EdifactSegment segment) {
        String qualifier = segment.text(1);
        switch (segment.tag()) {
            case "RFF" -> {
                String reference = segment.text(1, 1);
                if ("MB".equals(reference)) {
                    header.masterBill.set(
                            segment,
                            elements.required(segment, 1, 2),
                            "master bill (RFF+MB)",
                            errors,
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

    private void consignmentSegment(Consignment consignment, EdifactSegment segment) {
        String qualifier = segment.text(1);
        switch (segment.tag()) {
            case "RFF" -> consignmentReference(consignment, segment);
            case "NAD" -> {
                consignment.lastParty = null;
                consignment.inOtherParty = !isConsignmentParty(qualifier);
                switch (qualifier) {
                    case "CZ" -> elements.party(consignment, consignment.seller, segment, "consignor (NAD+CZ)");
                    case "CN" -> elements.party(consignment, consignment.buyer, segment, "consignee (NAD+CN)");
                    case "ZZZ" ->
                        consignment.platformId.set(
                                segment, elements.required(segment, 2, 1), "platform (NAD+ZZZ)", errors, "consignment");
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

    private void consignmentReference(Consignment consignment, EdifactSegment segment) {
        String reference = segment.text(1, 1);
        switch (reference) {
            case "BH" -> {
                String houseBill = elements.required(segment, 1, 2);
                if (consignment.houseBill.set(segment, houseBill, "house bill (RFF+BH)", errors, "consignment")
                        && houseBill != null) {
                    EdifactSegment earlier = houseBills.putIfAbsent(houseBill, segment);
                    if (earlier != null) {
                        errors.add(
                                segment,
                                1,
                                2,
                                "repeats the house bill of " + earlier.at()
                                        + ": each house consignment is reported once");
                    }
                }
            }
            case "MB" ->
                consignment.own.masterBill.set(
                        segment, elements.required(segment, 1, 2), "master bill (RFF+MB)", errors, "consignment");
            case "ON" ->
                consignment.orderId.set(
                        segment, elements.required(segment, 1, 2), "order number (RFF+ON)", errors, "consignment");
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
                    party.tin = elements.required(segment, 1, 2);
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
    private void sharedSegment(Shared shared, EdifactSegment segment, String group) {
        String qualifier = segment.text(1);
        switch (segment.tag()) {
            case "TDT" -> {
                if ("20".equals(qualifier)) {
                    shared.transportMode.set(
                            segment,
                            elements.transportMode(segment),
                            "main-carriage transport (TDT+20)",
                            errors,
                            group);
                }
            }
            case "LOC" -> {
                if ("35".equals(qualifier)) {
                    shared.exportCountry.set(
                            segment, elements.country(segment, 2, 1), "export country (LOC+35)", errors, group);
                } else if ("28".equals(qualifier)) {
                    shared.destinationCountry.set(
                            segment, elements.country(segment, 2, 1), "destination country (LOC+28)", errors, group);
                }
            }
            default -> {
                // the rest of the CUSCAR header and consignment group is not part of the canonical record
            }
        }
    }

    private void goodsItemSegment(Consignment consignment, GoodsItem item, EdifactSegment segment) {
        String qualifier = segment.text(1);
        switch (segment.tag()) {
            case "FTX" -> {
                if ("AAA".equals(qualifier)) {
                    item.description.addAll(segment.components(4));
                }
            }
            case "PIA" -> elements.hsCode(item, segment);
            case "QTY" -> {
                if ("1".equals(segment.text(1, 1))) {
                    item.quantity.set(
                            segment,
                            elements.positive(segment, 1, 2, CuscarElements.DECIMAL),
                            "quantity (QTY+1)",
                            errors,
                            "goods item");
                    item.unit = CuscarElements.blankToNull(segment.text(1, 3));
                }
            }
            case "MEA" -> {
                if ("AAE".equals(qualifier) && "G".equals(segment.text(2, 1))) {
                    item.grossMass.set(
                            segment, elements.grossMass(segment), "gross weight (MEA+AAE+G)", errors, "goods item");
                }
            }
            case "MOA" -> {
                if ("38".equals(segment.text(1, 1))) {
                    elements.value(consignment, item, segment);
                }
            }
            case "LOC" -> {
                if ("27".equals(qualifier)) {
                    item.origin.set(
                            segment,
                            elements.country(segment, 2, 1),
                            "country of origin (LOC+27)",
                            errors,
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

    private void misplacedInConsignment(EdifactSegment segment, String what) {
        errors.add(
                segment,
                "is misplaced: " + what + " belongs to a consignment, after CNI and before its " + "first GID");
    }

    private void misplacedInGoodsItem(EdifactSegment segment, String what) {
        errors.add(
                segment,
                "is misplaced: " + what + " belongs to the message header or to a consignment "
                        + "before its first GID");
    }
}
