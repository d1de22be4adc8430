package org.cbec.gateway.outbound;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.cbec.gateway.partner.Partner;
import org.cbec.gateway.partner.PartnerRegistry;

/**
 * The partners as their files say now, and the transports this gateway can send with, by name: what the outbound
 * intake checks a request against and what the delivery sends by. One record, so that both look a partner and its
 * transport up alike.
 */
public record OutboundPartners(Supplier<PartnerRegistry> registry, Map<String, OutboundTransport> transports) {
    public OutboundPartners {
        transports = Map.copyOf(transports);
    }

    /** The partner of that id as its file says now (a hot reload may have changed it). */
    Optional<Partner> partner(String id) {
        return registry.get().byId(id);
    }

    /** This gateway's transport of that name; empty for one it cannot send with. */
    Optional<OutboundTransport> transport(String name) {
        return Optional.ofNullable(transports.get(name));
    }
}
