package org.cbec.gateway.console;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The configuration changes this instance took or refused while running (a partner file or a route file
 * added, changed, removed, or refused as invalid), newest first, for the console. The log has them too.
 */
public final class ConfigurationChanges {
    private static final int KEPT = 200;

    /** One change: what file, what happened ({@code APPLIED} or {@code REFUSED}), and why or what it did. */
    public record Change(String at, String kind, String file, String outcome, String detail) {}

    private final Deque<Change> changes = new ArrayDeque<>();
    private final Clock clock;

    public ConfigurationChanges(Clock clock) {
        this.clock = clock;
    }

    public synchronized void applied(String kind, String file, String detail) {
        add(new Change(clock.instant().toString(), kind, file, "APPLIED", detail));
    }

    public synchronized void refused(String kind, String file, String detail) {
        add(new Change(clock.instant().toString(), kind, file, "REFUSED", detail));
    }

    public synchronized List<Change> recent() {
        return new ArrayList<>(changes);
    }

    private void add(Change change) {
        changes.addFirst(change);
        while (changes.size() > KEPT) {
            changes.removeLast();
        }
    }
}
