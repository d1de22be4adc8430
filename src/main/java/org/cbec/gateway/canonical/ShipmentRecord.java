package org.cbec.gateway.canonical;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Canonical {@code ECOM_SHIPMENT} record (FORMATS.md): one house consignment. Components are in JSON order.
 * {@code totalValue} is the exact sum of the item values; {@code mutualRecognition} is added by the gateway
 * after translation and is left out of the JSON while it is null.
 *
 * <p>Build one with {@link #create}, which sets {@code recordId}, {@code recordVersion}, {@code totalValue}
 * and {@code currency}.
 */
public record ShipmentRecord(
        RecordType recordType,
        String recordId,
        String recordVersion,
        String sourcePartner,
        String sourceMessageId,
        String sourceFormat,
        String houseTransportDocId,
        String masterTransportDocId,
        String platformId,
        String orderId,
        Party seller,
        Party buyer,
        List<ShipmentItem> items,
        String totalValue,
        String currency,
        String exportCountry,
        String destinationCountry,
        TransportMode transportMode,
        @JsonInclude(JsonInclude.Include.NON_NULL) MutualRecognition mutualRecognition)
        implements CanonicalRecord {

    public ShipmentRecord {
        if (recordType != RecordType.ECOM_SHIPMENT) {
            throw new IllegalArgumentException("recordType must be ECOM_SHIPMENT, not " + recordType);
        }
        items = List.copyOf(items);
    }

    /**
     * A record with its business key, version, total value and currency computed from the given content.
     *
     * @param items at least one, all in one currency, each with a decimal {@code value}
     * @throws IllegalArgumentException when the items are empty or their currencies differ (translators
     *     report that as a located error before they get here)
     */
    public static ShipmentRecord create(
            RecordSource source,
            String houseTransportDocId,
            String masterTransportDocId,
            String platformId,
            String orderId,
            Party seller,
            Party buyer,
            List<ShipmentItem> items,
            String exportCountry,
            String destinationCountry,
            TransportMode transportMode) {
        Objects.requireNonNull(houseTransportDocId, "houseTransportDocId");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a shipment has at least one item");
        }
        String currency = items.get(0).currency();
        // BigDecimal.add keeps the larger scale, so "59.80" + "0.5" is "60.30": exact, as sent
        BigDecimal total = BigDecimal.ZERO;
        for (ShipmentItem item : items) {
            if (!Objects.equals(currency, item.currency())) {
                throw new IllegalArgumentException("items in " + currency + " and " + item.currency());
            }
            total = total.add(new BigDecimal(item.value()));
        }
        String recordId = recordIdOf(source.partnerId(), houseTransportDocId);
        String totalValue = total.toPlainString();
        return RecordVersion.versioned(version -> new ShipmentRecord(
                RecordType.ECOM_SHIPMENT,
                recordId,
                version,
                source.partnerId(),
                source.messageId(),
                source.format(),
                houseTransportDocId,
                masterTransportDocId,
                platformId,
                orderId,
                seller,
                buyer,
                items,
                totalValue,
                currency,
                exportCountry,
                destinationCountry,
                transportMode,
                null));
    }

    /** The business key: the same house waybill from the same partner is the same record. */
    public static String recordIdOf(String partnerId, String houseTransportDocId) {
        return partnerId + ":" + houseTransportDocId;
    }

    /** A copy carrying the gateway's mutual-recognition finding; {@code recordVersion} does not change. */
    public ShipmentRecord withMutualRecognition(MutualRecognition mutualRecognition) {
        return new ShipmentRecord(
                recordType,
                recordId,
                recordVersion,
                sourcePartner,
                sourceMessageId,
                sourceFormat,
                houseTransportDocId,
                masterTransportDocId,
                platformId,
                orderId,
                seller,
                buyer,
                items,
                totalValue,
                currency,
                exportCountry,
                destinationCountry,
                transportMode,
                mutualRecognition);
    }
}
