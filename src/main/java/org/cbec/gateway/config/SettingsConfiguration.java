package org.cbec.gateway.config;

import java.time.Clock;
import org.apache.camel.CamelConfiguration;

/**
 * What the configuration classes that build beans from settings start from: the gateway's settings and its one
 * clock, both handed in by {@link GatewayRuntime}, so that each class does not keep its own copy of the pair.
 */
abstract class SettingsConfiguration implements CamelConfiguration {
    protected final GatewaySettings settings;
    protected final Clock clock;

    protected SettingsConfiguration(GatewaySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }
}
