package org.cbec.gateway.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    public HttpAnswer list() {
        CamelContext camel = context.get();
        ManagedCamelContext management = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", route.getRouteId());
            node.put("from", route.getEndpoint().getEndpointBaseUri());
            node.put("source", route.getSourceLocationShort());
            ManagedRouteMBean managed = management == null ? null : management.getManagedRoute(route.getRouteId());
            if (managed == null) {
                node.put(
                        "state",
                        camel.getRouteController()
                                .getRouteStatus(route.getRouteId())
                                .name());
            } else {
                node.put("state", managed.getState());
                node.put("exchanges", managed.getExchangesTotal());
                node.put("failures", managed.getExchangesFailed());
                node.put("inflight", managed.getExchangesInflight());
                node.put("meanMillis", managed.getMeanProcessingTime());
                node.put("maxMillis", managed.getMaxProcessingTime());
                node.put("lastMillis", managed.getLastProcessingTime());
            }
            routes.add(node);
        }
        routes.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
        return HttpAnswer.json(200, Map.of("count", routes.size(), "routes", routes));
    }
}
