package org.cbec.gateway.config;

import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.cbec.gateway.console.ConfigurationChanges;
import org.cbec.gateway.partner.LivePartners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partner registry of {@code gateway.partners.dir}, reloaded while the gateway runs, and the log of configuration
 * changes the console shows. Read when the configuration is made, before the database or the broker opens: a bad
 * partner file refuses the start with nothing left open.
 */
@Configuration
public final class PartnerConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerConfiguration.class);

    private final ConfigurationChanges configurationChanges;
    private final LivePartners partners;

    public PartnerConfiguration(GatewaySettings settings, Clock clock) {
        this.configurationChanges = new ConfigurationChanges(clock);
        this.partners = new LivePartners(settings.getPath("gateway.partners.dir"), configurationChanges);
        LOG.info(
                "Partners: {}",
                partners.registry().all().stream()
                        .map(p -> p.id() + (p.enabled() ? "" : " (disabled)"))
                        .toList());
    }

    @BindToRegistry("livePartners")
    public LivePartners partners() {
        return partners;
    }

    @BindToRegistry("configurationChanges")
    public ConfigurationChanges configurationChanges() {
        return configurationChanges;
    }
}
