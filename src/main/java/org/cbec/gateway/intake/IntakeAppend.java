package org.cbec.gateway.intake;

import java.util.List;
import java.util.Optional;
import java.util.function.ObjLongConsumer;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordType;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.evidence.AcceptLog;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.evidence.InboundEvidence.Decision;
import org.cbec.gateway.evidence.LogEntry;
import org.cbec.gateway.recognition.AeoRegistry;

/**
 * The one durable write of an accepted message, all its 202 waits for: an append to the accept log, whose projection
 * archives it afterwards (log-first); or, where it is not log-first, its archive row with the registry's. And the
 * duplicates an append finds: what is in flight in the log counts as accepted already.
 */
final class IntakeAppend {
    /** Larger bodies are archived before their 202 (see {@link #logFirst}). */
    private static final int LOG_FIRST_MAX_BYTES = 1 << 20;

    private final EvidenceArchive archive;
    private final AeoRegistry registry;
    private final AcceptLog acceptLog;
    private final IntakeVerdicts verdicts;
    private final ObjLongConsumer<String> stage;

    /** {@code acceptLog} null: every accepted message is archived before its 202. */
    IntakeAppend(
            EvidenceArchive archive,
            AeoRegistry registry,
            AcceptLog acceptLog,
            IntakeVerdicts verdicts,
            ObjLongConsumer<String> stage) {
        this.archive = archive;
        this.registry = registry;
        this.acceptLog = acceptLog;
        this.verdicts = verdicts;
        this.stage = stage;
    }

    /** Appends (or archives) an accepted case and decides it: accepted, or a duplicate of what was there first. */
    void append(IntakeCase c) {
        if (logFirst(c)) {
            appendToLog(c);
            return;
        }
        List<CanonicalRecord> records = c.records;
        Optional<String> first = archive.archiveAccepted(
                c.toRecord(Decision.accepted(records.size(), c.document, c.receiptJson)),
                c.contentSha256,
                connection -> registry.record(connection, c.messageId, c.receivedAt, records));
        if (first.isPresent()) {
            verdicts.duplicate(c, first.get());
            return;
        }
        verdicts.accept(c, false);
    }

    /**
     * Whether an accepted message is ONE append to the accept log, projected into the archive after its 202. AEO
     * statements are archived before their 202 instead: the next message is judged by the registry they change
     * (read your own writes); and so is a large list, whose records document is written as a stream.
     */
    private boolean logFirst(IntakeCase c) {
        return acceptLog != null
                && c.format.recordType() != RecordType.AEO_STATUS
                && c.records.size() < RecordsDocument.STREAMED_FROM_RECORDS
                && c.content.length() <= LOG_FIRST_MAX_BYTES;
    }

    /** The 202 follows the append to the accept log; the archive and the ledger are projected from it. */
    private void appendToLog(IntakeCase c) {
        LogEntry entry = new LogEntry(
                c.messageId,
                c.receivedAt,
                c.sha256,
                c.contentSha256,
                c.contentType,
                c.partner.id(),
                c.signer == null ? null : c.signer.getSubjectX500Principal().getName(),
                c.signingTime,
                c.format.id(),
                c.document.size(),
                c.receiptJson,
                c.content.bytes(),
                c.document.text());
        Optional<AcceptLog.InFlight> first = acceptLog.claim(entry);
        if (first.isPresent()) {
            verdicts.duplicate(c, first.get().entry().messageId());
            return;
        }
        long appendStarted = System.nanoTime();
        acceptLog.append(entry);
        stage.accept("append", appendStarted);
        verdicts.accept(c, true);
    }

    /** The first accepted message with this partner's signed content: archived, or in flight here. */
    Optional<String> firstWithContent(String partnerId, String contentSha256) {
        if (acceptLog != null) {
            Optional<AcceptLog.InFlight> inFlight = acceptLog.inFlightWithContent(partnerId, contentSha256);
            if (inFlight.isPresent()) {
                return Optional.of(inFlight.get().entry().messageId());
            }
        }
        return archive.acceptedMessageWithContent(partnerId, contentSha256);
    }
}
