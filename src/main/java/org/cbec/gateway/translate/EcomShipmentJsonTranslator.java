package org.cbec.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.Party;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;

/**
 * {@code ecom-shipment-json}: one platform shipment ({@code "documentType":"ECOM_SHIPMENT"}) or a batch
 * of them ({@code "documentType":"ECOM_SHIPMENT_BATCH","shipments":[...]}), one canonical record each.
 * Errors are located by JSON pointer ({@code /goods/0/hsCode}, {@code /shipments/3/goods/0/hsCode});
 * every one is reported. Amounts are kept exact as sent, as decimal strings.
 */
public final class EcomShipmentJsonTranslator extends JsonDocumentTranslator {

    /** The {@code documentType} of a document holding one shipment. */
    public static final String SHIPMENT = "ECOM_SHIPMENT";

    /** The {@code documentType} of a document holding a {@code shipments} array. */
    public static final String BATCH = "ECOM_SHIPMENT_BATCH";

    private static final String TRANSPORT_MODE =
            "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), " + "3 (road), 4 (air) or 5 (post)";

    public EcomShipmentJsonTranslator() {
        super(DocumentFormat.ECOM_SHIPMENT_JSON, JsonSchemas.ECOM_SHIPMENT, SHIPMENT, BATCH);
    }

    @Override
    List<CanonicalRecord> records(JsonNode root, JsonFields fields, RecordSource source, TranslationContext context) {
        String documentType = root.get("documentType").textValue();
        List<CanonicalRecord> records = new ArrayList<>();
        if (SHIPMENT.equals(documentType)) {
            shipment(root, "", fields, source).ifPresent(records::add);
        } else {
            JsonNode shipments = fields.requiredNonEmptyArray(root, "", "shipments", "shipment");
            Map<String, String> waybills = new HashMap<>();
            for (int i = 0; shipments != null && i < shipments.size(); i++) {
                String at = JsonFields.pointer("/shipments", i);
                JsonNode shipment = shipments.get(i);
                shipment(shipment, at, fields, source).ifPresent(records::add);
                // compared as sent, so that a repeat is reported even when either shipment has other errors
                JsonNode waybillNo = shipment.path("waybillNo");
                if (waybillNo.isTextual() && !waybillNo.textValue().isEmpty()) {
                    String earlier = waybills.putIfAbsent(waybillNo.textValue(), at);
                    if (earlier != null) {
                        fields.error(JsonFields.pointer(at, "waybillNo"), "repeats the waybillNo of " + earlier);
                    }
                }
            }
        }
        return records;
    }

    private static Optional<ShipmentRecord> shipment(
            JsonNode shipment, String at, JsonFields fields, RecordSource source) {
        if (!shipment.isObject()) {
            fields.error(at, "must be a JSON object");
            return Optional.empty();
        }
        int errorsBefore = fields.errorCount();
        String waybillNo = fields.requiredText(shipment, at, "waybillNo");
        String masterWaybillNo = fields.optionalText(shipment, at, "masterWaybillNo");
        JsonNode platform = fields.optionalObject(shipment, at, "platform");
        String platformAt = JsonFields.pointer(at, "platform");
        String platformId = platform == null ? null : fields.optionalText(platform, platformAt, "id");
        String orderNo = platform == null ? null : fields.optionalText(platform, platformAt, "orderNo");
        Party seller = party(shipment, at, "seller", fields);
        Party buyer = party(shipment, at, "buyer", fields);
        List<ShipmentItem> items = items(shipment, at, fields);
        String exportCountry = fields.requiredChecked(shipment, at, "exportCountry", Rules::isCountry, Rules.COUNTRY);
        String destinationCountry =
                fields.requiredChecked(shipment, at, "destinationCountry", Rules::isCountry, Rules.COUNTRY);
        TransportMode transportMode = transportMode(shipment, at, fields);
        if (fields.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(ShipmentRecord.create(
                source,
                waybillNo,
                masterWaybillNo,
                platformId,
                orderNo,
                seller,
                buyer,
                items,
                exportCountry,
                destinationCountry,
                transportMode));
    }

    private static Party party(JsonNode shipment, String at, String role, JsonFields fields) {
        JsonNode party = fields.requiredObject(shipment, at, role);
        if (party == null) {
            return null;
        }
        String partyAt = JsonFields.pointer(at, role);
        String name = fields.requiredText(party, partyAt, "name");
        String tin = fields.optionalText(party, partyAt, "tin");
        String aeoId = fields.optionalChecked(party, partyAt, "aeoCode", Rules::isAeoId, Rules.AEO_ID);
        JsonNode address = fields.requiredObject(party, partyAt, "address");
        if (address == null) {
            return null;
        }
        String addressAt = JsonFields.pointer(partyAt, "address");
        return new Party(
                name,
                tin,
                aeoId,
                new Address(
                        fields.optionalText(address, addressAt, "street"),
                        fields.optionalText(address, addressAt, "city"),
                        fields.optionalText(address, addressAt, "postcode"),
                        fields.requiredChecked(address, addressAt, "countryCode", Rules::isCountry, Rules.COUNTRY)));
    }

    private static List<ShipmentItem> items(JsonNode shipment, String at, JsonFields fields) {
        JsonNode goods = fields.requiredNonEmptyArray(shipment, at, "goods", "goods item");
        if (goods == null) {
            return List.of();
        }
        String goodsAt = JsonFields.pointer(at, "goods");
        List<ShipmentItem> items = new ArrayList<>(goods.size());
        Map<Integer, String> itemNumbers = new HashMap<>();
        String currency = null;
        String currencyAt = null;
        for (int i = 0; i < goods.size(); i++) {
            String itemAt = JsonFields.pointer(goodsAt, i);
            JsonNode item = goods.get(i);
            if (!item.isObject()) {
                fields.error(itemAt, "must be a JSON object");
                continue;
            }
            Integer seq = fields.requiredPositiveInt(item, itemAt, "itemNo");
            if (seq != null) {
                String earlier = itemNumbers.putIfAbsent(seq, itemAt);
                if (earlier != null) {
                    fields.error(JsonFields.pointer(itemAt, "itemNo"), "repeats the itemNo of " + earlier);
                }
            }
            String description = fields.requiredText(item, itemAt, "description");
            String hsCode = hsCode(item, itemAt, fields);
            BigDecimal quantity = fields.requiredPositiveNumber(item, itemAt, "qty");
            String unit = fields.optionalText(item, itemAt, "unit");
            BigDecimal grossMass = fields.optionalAmount(item, itemAt, "grossWeightKg");
            BigDecimal value = null;
            String itemCurrency = null;
            JsonNode price = fields.requiredObject(item, itemAt, "price");
            if (price != null) {
                String priceAt = JsonFields.pointer(itemAt, "price");
                value = fields.requiredAmount(price, priceAt, "amount");
                itemCurrency = fields.requiredChecked(price, priceAt, "currency", Rules::isCurrency, Rules.CURRENCY);
                if (itemCurrency != null && currency == null) {
                    currency = itemCurrency;
                    currencyAt = JsonFields.pointer(priceAt, "currency");
                } else if (itemCurrency != null && !itemCurrency.equals(currency)) {
                    fields.error(
                            JsonFields.pointer(priceAt, "currency"),
                            "is " + itemCurrency + " but " + currencyAt + " is " + currency
                                    + ": all goods of a shipment are in one currency");
                }
            }
            String origin = fields.requiredChecked(item, itemAt, "origin", Rules::isCountry, Rules.COUNTRY);
            if (seq != null && value != null && itemCurrency != null) {
                items.add(ShipmentItem.exact(
                        seq, description, hsCode, quantity, unit, grossMass, value, itemCurrency, origin));
            }
        }
        return items;
    }

    private static String hsCode(JsonNode item, String itemAt, JsonFields fields) {
        JsonNode value = item.get("hsCode");
        if (value != null && value.isNumber()) {
            // as a number, leading zeros of chapters 01 to 09 would be lost
            fields.error(JsonFields.pointer(itemAt, "hsCode"), Rules.HS_CODE);
            return null;
        }
        return fields.requiredChecked(item, itemAt, "hsCode", Rules::isHsCode, Rules.HS_CODE);
    }

    private static TransportMode transportMode(JsonNode shipment, String at, JsonFields fields) {
        JsonNode value = shipment.get("transportMode");
        String where = JsonFields.pointer(at, "transportMode");
        if (value == null || value.isNull()) {
            fields.error(where, Rules.REQUIRED);
            return null;
        }
        // a code sent as 4 or as "4" is the same code; 4.0 or "04" is not
        String code = value.isTextual()
                ? value.textValue()
                : value.isIntegralNumber() ? value.bigIntegerValue().toString() : null;
        Optional<TransportMode> mode = code == null ? Optional.empty() : TransportMode.ofRec19Code(code);
        if (mode.isEmpty()) {
            fields.error(where, TRANSPORT_MODE);
            return null;
        }
        return mode.get();
    }
}
