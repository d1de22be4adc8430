package org.cbec.gateway.console;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.cbec.gateway.http.HttpAnswer;

/**
 * {@code GET /api/v1/routes}: every Camel route with its state and statistics, as Camel's own management
 * keeps them (exchanges, failures, mean and max processing time). The gateway counts nothing itself here.
 */
public final class RouteStatistics {
    private final Supplier<CamelContext> context;

    public RouteStatistics(Supplier<CamelContext> context) {
        this.context = context;
    }

    /** One route as the answer lists it; {@code statistics} only where Camel's management keeps them. */
    record RouteState(
            String id,
            String from,
            String source,
            String state,
            @JsonUnwrapped Statistics statistics) {}

    /** A route's counters and processing times (milliseconds), as Camel's management keeps them. */
    record Statistics(long exchanges, long failures, long inflight, long meanMillis, long maxMillis, long lastMillis) {
        static Statistics of(ManagedRouteMBean managed) {
            return new Statistics(
                    managed.getExchangesTotal(),
                    managed.getExchangesFailed(),
                    managed.getExchangesInflight(),
                    managed.getMeanProcessingTime(),
                    managed.getMaxProcessingTime(),
                    managed.getLastProcessingTime());
        }
    }

    public HttpAnswer list() {
        CamelContext camel = context.get();
        ManagedCamelContext management = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        List<RouteState> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            ManagedRouteMBean managed = management == null ? null : management.getManagedRoute(route.getRouteId());
            routes.add(new RouteState(
                    route.getRouteId(),
                    route.getEndpoint().getEndpointBaseUri(),
                    route.getSourceLocationShort(),
                    managed == null
                            ? camel.getRouteController()
                                    .getRouteStatus(route.getRouteId())
                                    .name()
                            : managed.getState(),
                    managed == null ? null : Statistics.of(managed)));
        }
        routes.sort(Comparator.comparing(RouteState::id));
        return HttpAnswer.json(200, Map.of("count", routes.size(), "routes", routes));
    }
}
