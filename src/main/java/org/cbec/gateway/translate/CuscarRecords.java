package org.cbec.gateway.translate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.Party;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;
import org.cbec.gateway.translate.CuscarDrafts.Consignment;
import org.cbec.gateway.translate.CuscarDrafts.GoodsItem;
import org.cbec.gateway.translate.CuscarDrafts.Message;
import org.cbec.gateway.translate.CuscarDrafts.Shared;
import org.cbec.gateway.translate.CuscarDrafts.Slot;

/**
 * The end of a CUSCAR goods item or consignment: what it lacks is reported at its GID or CNI, and while the
 * document is still valid its item or its {@code ECOM_SHIPMENT} record is made (consignment values first, the
 * message header's as fallback).
 */
final class CuscarRecords {
    private final EdifactErrors errors;
    private final RecordSource source;
    private final List<CanonicalRecord> records = new ArrayList<>();

    CuscarRecords(EdifactErrors errors, RecordSource source) {
        this.errors = errors;
        this.source = source;
    }

    /** The records made so far, one per consignment. */
    List<CanonicalRecord> records() {
        return records;
    }

    void endGoodsItem(Consignment consignment) {
        GoodsItem item = consignment.goodsItem;
        if (item == null) {
            return;
        }
        consignment.goodsItem = null;
        EdifactSegment gid = item.gid;
        String description = item.description.isEmpty() ? null : String.join(" ", item.description);
        if (description == null) {
            errors.add(gid, "starts a goods item without description (FTX+AAA)");
        }
        if (!item.hsCode.isPresent()) {
            errors.add(gid, "starts a goods item without HS code (PIA with item type HS)");
        }
        BigDecimal quantity = item.quantity.isPresent() ? item.quantity.value() : item.packages;
        String unit = item.quantity.isPresent() ? item.unit : item.packageType;
        if (!item.quantity.isPresent()
                && item.packages == null
                && !gid.text(2, 1).isEmpty()) {
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
            consignment.items.add(new ShipmentItem(
                    item.seq.value(),
                    description,
                    item.hsCode.value(),
                    quantity,
                    unit,
                    item.grossMass.value(),
                    item.value.value(),
                    item.currency,
                    item.origin.value()));
        }
    }

    void endConsignment(Message current) {
        Consignment consignment = current.consignment;
        if (consignment == null) {
            return;
        }
        endGoodsItem(consignment);
        current.consignment = null;
        EdifactSegment cni = consignment.cni;
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
        records.add(ShipmentRecord.create(
                source,
                consignment.houseBill.value(),
                masterBill.value(),
                consignment.platformId.value(),
                consignment.orderId.value(),
                seller,
                buyer,
                consignment.items,
                exportCountry.value(),
                destination.value(),
                mode.value()));
    }
}
