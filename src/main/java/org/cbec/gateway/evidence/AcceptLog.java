package org.cbec.gateway.evidence;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept log: an accepted message is ONE durable append, and the 202 follows it. The log is the broker's
 * journal (the {@code gateway.accepted} queue: append-only files, group commit, fsync before the commit returns,
 * compaction as entries are consumed), which an external Artemis shares between instances. The projection
 * (the {@code records-dispatch} route) builds the message index, the ledger and the forward queues from it in
 * database commits shared by many entries, after the 202.
 *
 * <p>Until its entry is projected, an accepted message is "in flight": this instance answers for it from
 * memory (the tracking API, the first receipt of a duplicate). Two copies of one document at once are told apart
 * by this instance's claim on (partner, signed content digest). Used on the embedded defaults only: instances that
 * share an external database archive before the 202, the database's unique digest deciding between them.
 */
public final class AcceptLog implements AutoCloseable {
    public static final String QUEUE = "gateway.accepted";

    private static final Logger LOG = LoggerFactory.getLogger(AcceptLog.class);
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ConnectionFactory connectionFactory;
    private final int maxInFlight;
    private final ConcurrentLinkedQueue<Appender> idle = new ConcurrentLinkedQueue<>();
    private final Map<String, InFlight> byMessageId = new ConcurrentHashMap<>();
    private final Map<String, InFlight> byDigest = new ConcurrentHashMap<>();
    private final AtomicLong appends = new AtomicLong();
    private volatile Connection connection;
    private volatile boolean closed;

    /** An accepted message whose entry is not projected yet, as this instance appended it. */
    public record InFlight(LogEntry entry, long appendedAtNanos) {}

    /** @param maxInFlight past this many entries not yet projected, appends are refused as OVERLOADED */
    public AcceptLog(ConnectionFactory connectionFactory, int maxInFlight) {
        this.connectionFactory = connectionFactory;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Claims the entry's digest for it; returns the message already in flight with the same bytes, if any (the
     * entry is then not claimed). A claim is released by {@link #append}'s failure or by {@link #projected}.
     */
    public Optional<InFlight> claim(LogEntry entry) {
        if (appends.incrementAndGet() % 1024 == 0) {
            forgetOld();
        }
        if (byMessageId.size() >= maxInFlight) {
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    "the accept log has " + byMessageId.size() + " entries not yet projected; retry later");
        }
        InFlight mine = new InFlight(entry, System.nanoTime());
        InFlight first = byDigest.putIfAbsent(key(entry), mine);
        if (first != null) {
            return Optional.of(first);
        }
        byMessageId.put(entry.messageId(), mine);
        return Optional.empty();
    }

    /**
     * Appends a claimed entry and returns once it is durable. Throws OVERLOADED when the broker cannot take it; the
     * entry's claim is then released.
     *
     * <p>The entry carries no broker duplicate id. Artemis drops a duplicate sent outside a transaction with a warning
     * and no word to the sender, and its id cache outlives the rows the ledger retention removes: the same document
     * sent again after its message was removed was answered 202 and never reached the log. What makes two copies one
     * is this instance's claim ({@link #claim}) and the archive's digests, and, for two copies accepted at once across
     * a restart, the projection, which archives the second as the first's duplicate and forwards nothing of it.
     */
    public void append(LogEntry entry) {
        Appender appender = idle.poll();
        try {
            if (appender == null) {
                appender = new Appender(connection());
            }
            appender.append(entry);
            idle.add(appender);
        } catch (JMSException | RuntimeException e) {
            release(entry);
            if (appender != null) {
                appender.close(); // its session is spoiled: a new one next time
            }
            LOG.warn("Cannot append message {} to the accept log: {}", entry.messageId(), e.toString());
            throw new GatewayException(
                    GatewayError.OVERLOADED, "the accept log cannot take the message now; retry later", e);
        }
    }

    /** The entry is in the archive now: the archive answers for it from here on. */
    public void projected(String messageId) {
        InFlight inFlight = byMessageId.remove(messageId);
        if (inFlight != null) {
            byDigest.remove(key(inFlight.entry()), inFlight);
        }
    }

    /**
     * What makes two accepted messages one: the same signed content from the same partner (the same bytes always are;
     * a partner's retry re-signed is too).
     */
    static String key(LogEntry entry) {
        return entry.partnerId() + ":"
                + (entry.contentSha256() == null ? "bytes:" + entry.sha256() : entry.contentSha256());
    }

    public Optional<InFlight> inFlight(String messageId) {
        return Optional.ofNullable(byMessageId.get(messageId));
    }

    /** The message in flight with this partner's signed content (its digest), if any. */
    public Optional<InFlight> inFlightWithContent(String partnerId, String contentSha256) {
        return Optional.ofNullable(byDigest.get(partnerId + ":" + contentSha256));
    }

    /** Entries not yet projected that this instance appended. */
    public int inFlightCount() {
        return byMessageId.size();
    }

    private void release(LogEntry entry) {
        InFlight inFlight = byMessageId.remove(entry.messageId());
        if (inFlight != null) {
            byDigest.remove(key(entry), inFlight);
        }
    }

    /** Another instance may have projected what this one appended: the archive knows those long since. */
    private void forgetOld() {
        long now = System.nanoTime();
        byMessageId.values().removeIf(inFlight -> {
            boolean old = now - inFlight.appendedAtNanos() > FORGET_AFTER_NANOS;
            if (old) {
                byDigest.remove(key(inFlight.entry()), inFlight);
            }
            return old;
        });
    }

    private Connection connection() throws JMSException {
        Connection current = connection;
        if (current == null) {
            synchronized (this) {
                if (closed) {
                    throw new GatewayException(GatewayError.OVERLOADED, "the gateway is stopping");
                }
                if (connection == null) {
                    connection = connectionFactory.createConnection();
                }
                current = connection;
            }
        }
        return current;
    }

    @Override
    public synchronized void close() {
        closed = true;
        Appender appender;
        while ((appender = idle.poll()) != null) {
            appender.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                LOG.warn("The accept log's broker connection did not close cleanly: {}", e.toString());
            }
            connection = null;
        }
    }

    /**
     * One session and its producer: a JMS session serves one thread at a time. Not transacted: a persistent send
     * outside a transaction blocks until the broker has it in its journal on disk. The duplicate id is a second line
     * behind the instance's own claim: the embedded broker refuses a duplicate on the send; a remote broker drops it
     * without a word (seen in TwoInstancesIT), which is why the gateway appends to the log only on its embedded
     * defaults, where one process decides.
     */
    private static final class Appender {
        private final Session session;
        private final MessageProducer producer;

        Appender(Connection connection) throws JMSException {
            this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            this.producer = session.createProducer(session.createQueue(QUEUE));
            this.producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        }

        void append(LogEntry entry) throws JMSException {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(entry.encode());
            message.setStringProperty("GatewayMessageId", entry.messageId());
            producer.send(message);
        }

        void close() {
            try {
                session.close();
            } catch (JMSException e) {
                LOG.debug("An accept-log session did not close cleanly: {}", e.toString());
            }
        }
    }
}
