package org.cbec.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Properties;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The gateway's settings: {@code application.properties} in the configuration directory, each key
 * overridable by an environment variable (upper case, '.' and '-' become '_').
 */
public final class GatewaySettings {
    public static final String FILE_NAME = "application.properties";

    /**
     * Keys a configuration folder may leave out: empty means the embedded database, the embedded broker and the
     * built-in national-system simulator. They are still overridable by their environment variables, so secrets
     * (the database and broker passwords) can live in the environment only, as they should.
     */
    static final java.util.List<String> OPTIONAL_KEYS = java.util.List.of(
            "gateway.db.url",
            "gateway.db.user",
            "gateway.db.password",
            "gateway.broker.url",
            "gateway.broker.user",
            "gateway.broker.password",
            "gateway.national.aeo.url",
            "gateway.national.shipment.url",
            "gateway.national.aeo.batch-url",
            "gateway.national.shipment.batch-url",
            "gateway.evidence.retention",
            "gateway.ledger.retention",
            "gateway.evidence.retention-interval");

    private final Path configDir;
    private final Properties properties;

    private GatewaySettings(Path configDir, Properties properties) {
        this.configDir = configDir;
        this.properties = properties;
    }

    /** Loads {@code configDir/application.properties} and applies environment overrides and explicit overrides. */
    public static GatewaySettings load(Path configDir, Map<String, String> environment, Map<String, String> overrides) {
        Path file = configDir.resolve(FILE_NAME);
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new GatewayException(
                        GatewayError.CONFIGURATION_INVALID, "cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "no " + FILE_NAME + " in configuration directory " + configDir.toAbsolutePath()
                            + " (set --config DIR or GATEWAY_CONFIG_DIR)");
        }
        OPTIONAL_KEYS.forEach(key -> properties.putIfAbsent(key, ""));
        for (String key : properties.stringPropertyNames()) {
            String fromEnvironment = environment.get(environmentVariableOf(key));
            if (fromEnvironment != null) {
                properties.setProperty(key, fromEnvironment);
            }
        }
        overrides.forEach(properties::setProperty);
        return new GatewaySettings(configDir, properties);
    }

    /** {@code gateway.http.port} becomes {@code GATEWAY_HTTP_PORT}. */
    public static String environmentVariableOf(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** All settings, resolved, for Camel's property placeholders. */
    public Properties asProperties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    public Path configDir() {
        return configDir;
    }

    public String get(String key, String defaultValue) {
        return properties.getProperty(key, defaultValue).trim();
    }

    public String require(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw invalid(key, "is not set");
        }
        return value.trim();
    }

    public int getInt(String key) {
        return parsed(key, Integer::parseInt, "must be a whole number");
    }

    public long getLong(String key) {
        return parsed(key, Long::parseLong, "must be a whole number");
    }

    public double getDouble(String key) {
        return parsed(key, Double::parseDouble, "must be a number such as 0.5");
    }

    /** The number settings differ only in their parser and in how the refusal names what was expected. */
    private <T> T parsed(String key, java.util.function.Function<String, T> parser, String expected) {
        String value = require(key);
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw invalid(key, expected + ", not '" + value + "'");
        }
    }

    public boolean getBoolean(String key) {
        String value = require(key);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw invalid(key, "must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** A comma-separated list, blanks dropped. */
    public java.util.Set<String> getSet(String key) {
        java.util.Set<String> values = new java.util.LinkedHashSet<>();
        for (String value : require(key).split(",")) {
            if (!value.isBlank()) {
                values.add(value.trim());
            }
        }
        return values;
    }

    /** An ISO-8601 duration ({@code PT10M}) or period of days ({@code P7D}). */
    public Duration getDuration(String key) {
        String value = require(key);
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException notADuration) {
            try {
                Period period = Period.parse(value);
                if (period.getYears() != 0 || period.getMonths() != 0) {
                    throw invalid(key, "must be in days or smaller units, not '" + value + "'");
                }
                return Duration.ofDays(period.getDays());
            } catch (DateTimeParseException e) {
                throw invalid(key, "must be an ISO-8601 duration such as PT10M or P7D, not '" + value + "'");
            }
        }
    }

    /** A path setting, relative paths taken from the working directory. */
    public Path getPath(String key) {
        return Path.of(require(key));
    }

    private static GatewayException invalid(String key, String problem) {
        return new GatewayException(
                GatewayError.CONFIGURATION_INVALID,
                "setting " + key + " (environment " + environmentVariableOf(key) + ") " + problem);
    }
}
