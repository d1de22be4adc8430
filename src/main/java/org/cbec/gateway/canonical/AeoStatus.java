package org.cbec.gateway.canonical;

/** The status of an authorised economic operator as an administration reports it (FORMATS.md). */
public enum AeoStatus {
    ACTIVE,
    SUSPENDED,
    REVOKED,
    WITHDRAWN
}
