package org.cbec.gateway.canonical;

import java.math.BigDecimal;

/**
 * One goods item of a shipment. {@code quantity} is a JSON number kept as sent; {@code grossMassKg} and
 * {@code value} are decimal strings exact as sent ({@code 59.80} stays {@code "59.80"}), never floats.
 */
public record ShipmentItem(
        int seq,
        String description,
        String hsCode,
        BigDecimal quantity,
        String unit,
        String grossMassKg,
        String value,
        String currency,
        String originCountry) {

    /** An item of decimals read exactly as sent: kept as their plain strings ({@code 59.80}, never {@code 59.8}). */
    public static ShipmentItem exact(
            int seq,
            String description,
            String hsCode,
            BigDecimal quantity,
            String unit,
            BigDecimal grossMassKg,
            BigDecimal value,
            String currency,
            String originCountry) {
        return new ShipmentItem(
                seq,
                description,
                hsCode,
                quantity,
                unit,
                grossMassKg == null ? null : grossMassKg.toPlainString(),
                value.toPlainString(),
                currency,
                originCountry);
    }
}
