package org.cbec.gateway.canonical;

/** The kinds of canonical record the gateway forwards; also the message types a partner may be allowed to send. */
public enum RecordType {
    AEO_STATUS,
    ECOM_SHIPMENT
}
