package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.cbec.gateway.canonical.TransportMode;
import org.cbec.gateway.translate.CuscarDrafts.Consignment;
import org.cbec.gateway.translate.CuscarDrafts.GoodsItem;
import org.cbec.gateway.translate.CuscarDrafts.PartyDraft;
import org.cbec.gateway.translate.CuscarDrafts.Slot;

/**
 * The values of single CUSCAR segments (GID, PIA, MEA, MOA, NAD, TDT, LOC and the references), each checked
 * against its rule with the error located at its element and component. Decimals use the interchange's mark.
 */
final class CuscarElements {
    static final String TRANSPORT_MODE =
            "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), " + "3 (road), 4 (air) or 5 (post)";
    static final String DECIMAL = "must be an unsigned decimal number such as 59.80";

    private static final Pattern GOODS_ITEM_NUMBER = Pattern.compile("[0-9]{1,5}");
    private static final Pattern PACKAGE_COUNT = Pattern.compile("[0-9]{1,8}");

    private final EdifactInterchange interchange;
    private final EdifactErrors errors;

    CuscarElements(EdifactInterchange interchange, EdifactErrors errors) {
        this.interchange = interchange;
        this.errors = errors;
    }

    GoodsItem goodsItem(EdifactSegment gid, Consignment consignment) {
        GoodsItem item = new GoodsItem(gid);
        String number = gid.text(1);
        if (number.isEmpty()) {
            errors.add(gid, 1, Rules.REQUIRED);
        } else if (!GOODS_ITEM_NUMBER.matcher(number).matches() || Integer.parseInt(number) == 0) {
            errors.add(gid, 1, "must be a goods item number from 1 to 99999");
        } else {
            int seq = Integer.parseInt(number);
            item.seq.set(gid, seq, "goods item number", errors, "goods item");
            EdifactSegment earlier = consignment.itemNumbers.putIfAbsent(seq, gid);
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
    void hsCode(GoodsItem item, EdifactSegment pia) {
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

    String grossMass(EdifactSegment mea) {
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

    void value(Consignment consignment, GoodsItem item, EdifactSegment moa) {
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
            errors.add(
                    moa,
                    1,
                    3,
                    "is " + currency + " but " + consignment.currencyAt.at() + " is " + consignment.currency
                            + ": all goods of a consignment are in one currency");
        }
    }

    void party(Consignment consignment, Slot<PartyDraft> slot, EdifactSegment nad, String what) {
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

    TransportMode transportMode(EdifactSegment tdt) {
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
    String country(EdifactSegment segment, int element, int component) {
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

    String required(EdifactSegment segment, int element, int component) {
        String text = segment.text(element, component);
        if (text.isEmpty()) {
            errors.add(segment, element, component, Rules.REQUIRED);
            return null;
        }
        return text;
    }

    BigDecimal positive(EdifactSegment segment, int element, int component, String rule) {
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

    static String blankToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
