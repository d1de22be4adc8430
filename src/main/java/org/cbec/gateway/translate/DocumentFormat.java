package org.cbec.gateway.translate;

import java.util.Arrays;
import java.util.Optional;
import org.cbec.gateway.canonical.RecordType;

/** The business document formats partners send (FORMATS.md), each with the record type it yields. */
public enum DocumentFormat {
    AEO_STATUS_CSV("aeo-status-csv", RecordType.AEO_STATUS),
    AEO_STATUS_JSON("aeo-status-json", RecordType.AEO_STATUS),
    AEO_STATUS_XML("aeo-status-xml", RecordType.AEO_STATUS),
    ECOM_SHIPMENT_JSON("ecom-shipment-json", RecordType.ECOM_SHIPMENT),
    WCO_DEC_XML("wco-dec-xml", RecordType.ECOM_SHIPMENT),
    EDIFACT_CUSCAR("edifact-cuscar", RecordType.ECOM_SHIPMENT);

    private final String id;
    private final RecordType recordType;

    DocumentFormat(String id, RecordType recordType) {
        this.id = id;
        this.recordType = recordType;
    }

    /** The format id used in receipts, records ({@code sourceFormat}) and the tracking API. */
    public String id() {
        return id;
    }

    public RecordType recordType() {
        return recordType;
    }

    public static Optional<DocumentFormat> byId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
    }
}
