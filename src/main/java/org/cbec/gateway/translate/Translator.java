package org.cbec.gateway.translate;

import org.cbec.gateway.evidence.ReceivedBody;

/**
 * Turns one partner format into canonical records. A pure function: no I/O, no clock, no shared
 * mutable state, so it is safe under any concurrency and tested with golden files alone.
 */
public interface Translator {
    DocumentFormat format();

    /** Never throws for bad input: every problem becomes a {@link LocatedError} in {@link Translation.Invalid}. */
    Translation translate(byte[] document, TranslationContext context);

    /**
     * The same for a document read in place, as part of the request body; a translator that can read it there,
     * without a copy, overrides this.
     */
    default Translation translate(ReceivedBody document, TranslationContext context) {
        return translate(document.bytes(), context);
    }
}
