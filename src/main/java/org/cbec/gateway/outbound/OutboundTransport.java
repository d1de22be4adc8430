package org.cbec.gateway.outbound;

import org.cbec.gateway.partner.PartnerOutbound;

/**
 * How a signed document reaches a partner: {@code cms-https} today ({@link CmsHttpsTransport}); an AS4 sender (phase4, the
 * eDelivery PMode, receipts with NonRepudiationInformation) plugs in here under the name {@code as4}. A transport sends
 * once and says what happened; retries, backoff, dead letters and the ledger are {@link OutboundDelivery}'s.
 */
public interface OutboundTransport {
    /** The partner file's {@code outbound.transport} value this implements. */
    String name();

    /** Sends the document once. Never throws for what the partner or the network did: that is a failed {@link Result}. */
    Result send(Document document, PartnerOutbound partner);

    /**
     * One document for one partner.
     *
     * @param idempotencyKey the same on every attempt: the partner de-duplicates on it
     * @param signed         the gateway's CMS SignedData over the rendered document, the exact bytes to send
     */
    record Document(String messageId, String partnerId, String idempotencyKey, String legalBasis, byte[] signed) {}

    /**
     * What one attempt came to.
     *
     * @param failure null when the partner took the document, else why not (retried)
     * @param receipt the partner's signed receipt, when it sent one, exactly as received (evidence), or null
     * @param note    what the gateway found about the receipt, for the message's history
     */
    record Result(String failure, byte[] receipt, String note) {
        public static Result delivered(byte[] receipt, String note) {
            return new Result(null, receipt, note);
        }

        public static Result failed(String failure) {
            return new Result(failure, null, null);
        }

        public boolean delivered() {
            return failure == null;
        }
    }
}
