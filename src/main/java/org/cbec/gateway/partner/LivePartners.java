package org.cbec.gateway.partner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.cbec.gateway.console.ConfigurationChanges;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignerTrust;
import org.cbec.gateway.signature.TrustInForce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partner registry in force, reloaded while the gateway runs: adding, changing or removing a file in the
 * partners directory (a partner file, a CA certificate, a CRL) takes effect without restart. A directory that
 * no longer loads is refused with its error and the previous registry stays in force.
 * <p>
 * The directory is looked at every {@code gateway.reload.interval}, and by the intake whenever a signer matches
 * no partner, so a partner file dropped in is trusted for the next message.
 */
public final class LivePartners implements TrustInForce {
    private static final Logger LOG = LoggerFactory.getLogger(LivePartners.class);

    private record InForce(PartnerRegistry registry, SignerTrust trust, String fingerprint) {}

    private final Path directory;
    private final ConfigurationChanges changes;
    private volatile InForce inForce;
    private String refusedFingerprint;

    /** Loads the directory; at start-up an invalid directory stops the gateway, as before. */
    public LivePartners(Path directory, ConfigurationChanges changes) {
        this.directory = directory;
        this.changes = changes;
        String fingerprint = fingerprint();
        PartnerRegistry registry = PartnerRegistry.load(directory);
        this.inForce = new InForce(registry, new SignerTrust(registry), fingerprint);
    }

    public PartnerRegistry registry() {
        return inForce.registry();
    }

    @Override
    public SignerTrust current() {
        return inForce.trust();
    }

    @Override
    public boolean reloadIfChanged() {
        return checkForChanges();
    }

    /** Reloads the directory if anything in it changed; returns true when a new registry came into force. */
    public synchronized boolean checkForChanges() {
        String fingerprint = fingerprint();
        InForce previous = inForce;
        if (fingerprint.equals(previous.fingerprint()) || fingerprint.equals(refusedFingerprint)) {
            return false;
        }
        PartnerRegistry next;
        try {
            next = PartnerRegistry.load(directory);
        } catch (GatewayException e) {
            // Refused once per distinct content: a file half-written now is tried again when it changes.
            refusedFingerprint = fingerprint;
            LOG.error("Partner configuration change REFUSED, the previous partners stay in force: {}", e.detail());
            changes.refused("partners", directory.toString(), e.detail());
            return false;
        }
        inForce = new InForce(next, new SignerTrust(next), fingerprint);
        refusedFingerprint = null;
        String difference = difference(previous.registry(), next);
        LOG.info("Partner configuration change applied: {}", difference);
        changes.applied("partners", directory.toString(), difference);
        return true;
    }

    private static String difference(PartnerRegistry before, PartnerRegistry after) {
        List<String> parts = new ArrayList<>();
        for (Partner partner : after.all()) {
            Optional<Partner> old = before.byId(partner.id());
            if (old.isEmpty()) {
                parts.add("added " + partner.id());
            } else if (!sameSettings(old.get(), partner)) {
                parts.add("changed " + partner.id());
            }
        }
        for (Partner partner : before.all()) {
            if (after.byId(partner.id()).isEmpty()) {
                parts.add("removed " + partner.id());
            }
        }
        return parts.isEmpty() ? "no partner changed (files touched)" : String.join(", ", parts);
    }

    private static boolean sameSettings(Partner a, Partner b) {
        return Objects.equals(a, b);
    }

    /** A digest of every file under the directory: names and contents. */
    private String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!Files.isDirectory(directory)) {
            return "missing";
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(directory.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
        } catch (IOException | UncheckedIOException e) {
            // A file removed while being read: the next look sees the directory settled.
            return "unreadable " + e;
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
