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
        String originCountry) {}
