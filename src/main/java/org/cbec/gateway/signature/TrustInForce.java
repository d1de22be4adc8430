package org.cbec.gateway.signature;

/** The signer trust in force now, which can change while the gateway runs (partner files are reloaded). */
public interface TrustInForce {
    SignerTrust current();

    /** Looks at the partner configuration now; true when a changed one came into force. */
    boolean reloadIfChanged();
}
