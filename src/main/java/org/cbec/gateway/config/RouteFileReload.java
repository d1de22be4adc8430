package org.cbec.gateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.cbec.gateway.console.ConfigurationChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route files changed while the gateway runs take effect without restart: a changed or added
 * {@code *.camel.yaml} file in the routes directory replaces its routes, a removed one removes them. A file
 * that does not load is refused with its error and the routes it had before stay (or are put back).
 * <p>
 * Camel's own route watcher is meant for development (it reloads every route on any change); this reloads
 * only the file that changed, and keeps the previous routes when the new file is wrong.
 */
public final class RouteFileReload {
    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReload.class);
    private static final String SUFFIX = ".camel.yaml";

    private final CamelContext camel;
    private final Path directory;
    private final ConfigurationChanges changes;
    private Map<Path, String> known;

    public RouteFileReload(CamelContext camel, Path directory, ConfigurationChanges changes) {
        this.camel = camel;
        this.directory = directory.toAbsolutePath().normalize();
        this.changes = changes;
        this.known = digests();
    }

    /** Applies every change since the last look; returns how many files were applied or refused. */
    public synchronized int checkForChanges() {
        Map<Path, String> now = digests();
        int handled = 0;
        for (Map.Entry<Path, String> file : now.entrySet()) {
            // A refused file is not tried again until its content changes.
            if (!file.getValue().equals(known.get(file.getKey()))) {
                reload(file.getKey());
                handled++;
            }
        }
        for (Path removed : known.keySet()) {
            if (!now.containsKey(removed)) {
                remove(removed);
                handled++;
            }
        }
        known = now;
        return handled;
    }

    private void reload(Path file) {
        ModelCamelContext model = (ModelCamelContext) camel;
        List<RouteDefinition> before = definitionsFrom(file);
        Resource resource = ResourceHelper.resolveResource(camel, "file:" + file);
        try {
            Set<String> loaded = PluginHelper.getRoutesLoader(camel).updateRoutes(List.of(resource));
            // The REST DSL's OpenAPI route is made once from the rest configuration, not again on a reload: it stays,
            // and
            // serves the document of the rests as they are now.
            String apiRoute = camel.getRestConfiguration().getApiContextRouteId();
            for (RouteDefinition old : before) {
                if (!loaded.contains(old.getRouteId()) && !old.getRouteId().equals(apiRoute)) {
                    stopAndRemove(old.getRouteId());
                }
            }
            LOG.info("Route file {} applied: routes {}", file.getFileName(), loaded);
            changes.applied("routes", file.getFileName().toString(), "routes " + loaded);
        } catch (Exception e) {
            String reason = rootMessage(e);
            LOG.error("Route file {} REFUSED, its previous routes stay in force: {}", file.getFileName(), reason);
            List<RouteDefinition> missing = before.stream()
                    .filter(d -> camel.getRoute(d.getRouteId()) == null)
                    .toList();
            if (!missing.isEmpty()) {
                try {
                    model.addRouteDefinitions(missing);
                } catch (Exception restore) {
                    LOG.error(
                            "Could not put back the previous routes of {}: {}",
                            file.getFileName(),
                            rootMessage(restore));
                }
            }
            changes.refused("routes", file.getFileName().toString(), reason);
        }
    }

    private void remove(Path file) {
        List<String> removed = new ArrayList<>();
        for (RouteDefinition definition : definitionsFrom(file)) {
            if (stopAndRemove(definition.getRouteId())) {
                removed.add(definition.getRouteId());
            }
        }
        LOG.info("Route file {} removed: routes {} stopped and removed", file.getFileName(), removed);
        changes.applied("routes", file.getFileName().toString(), "file removed; routes " + removed + " removed");
    }

    private boolean stopAndRemove(String routeId) {
        try {
            camel.getRouteController().stopRoute(routeId);
            return camel.removeRoute(routeId);
        } catch (Exception e) {
            LOG.warn("Could not remove route {}: {}", routeId, rootMessage(e));
            return false;
        }
    }

    private List<RouteDefinition> definitionsFrom(Path file) {
        List<RouteDefinition> definitions = new ArrayList<>();
        for (RouteDefinition definition : ((ModelCamelContext) camel).getRouteDefinitions()) {
            Resource resource = definition.getResource();
            if (resource != null && sameFile(resource.getLocation(), file)) {
                definitions.add(definition);
            }
        }
        return definitions;
    }

    private static boolean sameFile(String location, Path file) {
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        return Path.of(path).toAbsolutePath().normalize().equals(file);
    }

    private Map<Path, String> digests() {
        Map<Path, String> digests = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .toList()) {
                try {
                    digests.put(
                            file.toAbsolutePath().normalize(),
                            HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                } catch (IOException e) {
                    // Removed or being replaced this instant: seen on the next look.
                }
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            LOG.warn("Cannot list the routes directory {}: {}", directory, e.toString());
            return known == null ? digests : known;
        }
        return digests;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
