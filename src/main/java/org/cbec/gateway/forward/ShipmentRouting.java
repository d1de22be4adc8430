package org.cbec.gateway.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Labels a shipment record for content-based routing, so that a YAML route can pick shipments with a JMS
 * selector and no Java: {@code GatewayHsCodes} is ",851830,847130," (every item's HS code, comma-framed, for
 * {@code LIKE '%,8518%'}), {@code GatewayDestination} the destination country, {@code GatewayExportCountry}
 * the export country.
 */
public final class ShipmentRouting {
    private static final ObjectMapper JSON = new ObjectMapper();

    public void label(Exchange exchange) {
        JsonNode record;
        try {
            record = JSON.readTree(exchange.getMessage().getBody(String.class));
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "a shipment record cannot be read for routing", e);
        }
        StringBuilder hsCodes = new StringBuilder(",");
        for (JsonNode item : record.path("items")) {
            hsCodes.append(item.path("hsCode").asText()).append(',');
        }
        exchange.getMessage().setHeader("GatewayHsCodes", hsCodes.toString());
        exchange.getMessage().setHeader("GatewayDestination", record.path("destinationCountry").asText());
        exchange.getMessage().setHeader("GatewayExportCountry", record.path("exportCountry").asText());
    }
}
