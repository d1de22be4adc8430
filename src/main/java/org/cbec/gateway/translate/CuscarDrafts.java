package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.Party;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.TransportMode;

/**
 * The groups of a CUSCAR message as {@link EdifactCuscarTranslator} reads them, before they are checked whole:
 * message, consignment (CNI), goods item (GID), party (NAD), each value with the segment that gave it.
 */
final class CuscarDrafts {
    private CuscarDrafts() {}

    /** A value that a group holds once, with the segment that gave it; present even when it was invalid. */
    static final class Slot<T> {
        private EdifactSegment segment;
        private T value;

        boolean isPresent() {
            return segment != null;
        }

        T value() {
            return value;
        }

        /** Takes the value, or reports that the group already had one. */
        boolean set(EdifactSegment from, T newValue, String what, EdifactErrors errors, String group) {
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
    static final class Shared {
        final Slot<String> masterBill = new Slot<>();
        final Slot<String> exportCountry = new Slot<>();
        final Slot<String> destinationCountry = new Slot<>();
        final Slot<TransportMode> transportMode = new Slot<>();
    }

    /** A NAD party as read; fields null when absent or invalid. */
    static final class PartyDraft {
        String name;
        String tin;
        String aeoId;
        String street;
        String city;
        String postcode;
        String country;
        boolean tinSeen;

        Party party() {
            return name == null || country == null
                    ? null
                    : new Party(name, tin, aeoId, new Address(street, city, postcode, country));
        }
    }

    static final class GoodsItem {
        final EdifactSegment gid;
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

        GoodsItem(EdifactSegment gid) {
            this.gid = gid;
        }
    }

    static final class Consignment {
        final EdifactSegment cni;
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
        final Map<Integer, EdifactSegment> itemNumbers = new HashMap<>();
        String currency;
        EdifactSegment currencyAt;

        Consignment(EdifactSegment cni) {
            this.cni = cni;
        }
    }

    static final class Message {
        final boolean cuscar;
        final EdifactSegment unh;
        final Shared header = new Shared();
        boolean first = true;
        boolean anyConsignment;
        Consignment consignment;

        Message(EdifactSegment unh, boolean cuscar) {
            this.unh = unh;
            this.cuscar = cuscar;
        }
    }
}
