package org.cbec.gateway.translate;

import org.cbec.gateway.canonical.RecordSource;

/**
 * What a translator needs to know besides the document: who sent it, under which message id, and the sending
 * partner's country (CONTRACT.md §2), whose operators alone it may publish AEO status for.
 *
 * @param partnerCountry the partner's ISO 3166-1 alpha-2 country, or null where no partner is known (golden files)
 */
public record TranslationContext(String partnerId, String messageId, String partnerCountry) {

    /** A context with no partner country: any country's AEO ids pass. */
    public TranslationContext(String partnerId, String messageId) {
        this(partnerId, messageId, null);
    }

    /**
     * Whether the AEO id is well-formed and issued in the sending partner's country: a CN partner cannot publish
     * the status of SG operators. Every AEO status translator checks its ids with this, where it locates them.
     */
    public boolean isOwnAeoId(String aeoId) {
        return Rules.isAeoId(aeoId) && (partnerCountry == null || aeoId.startsWith(partnerCountry));
    }

    /** Where the records a translator makes of this document come from: this partner and message, in that format. */
    public RecordSource source(DocumentFormat format) {
        return new RecordSource(partnerId, messageId, format.id());
    }

    /** What {@link #isOwnAeoId} asks, as the located error says it. */
    public String aeoIdRule() {
        return partnerCountry == null
                ? Rules.AEO_ID
                : Rules.AEO_ID.replace(
                        "an ISO 3166-1 alpha-2 country code",
                        partnerCountry + ", the sending partner's country "
                                + "(a partner publishes the AEO status of its own operators only)");
    }
}
