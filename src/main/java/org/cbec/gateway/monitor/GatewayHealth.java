package org.cbec.gateway.monitor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.cbec.gateway.http.HttpAnswer;

/** {@code GET /health}: 200 UP when broker, database and every route that should run are up; else 503 with what is down. */
public final class GatewayHealth {
    private final Map<String, Supplier<String>> components;

    /** @param components each answers null when healthy, or what is wrong */
    public GatewayHealth(Map<String, Supplier<String>> components) {
        this.components = Map.copyOf(components);
    }

    public HttpAnswer check(CamelContext camel) {
        Map<String, Object> down = new LinkedHashMap<>();
        components.forEach((name, probe) -> {
            String problem;
            try {
                problem = probe.get();
            } catch (RuntimeException e) {
                problem = e.toString();
            }
            if (problem != null) {
                down.put(name, problem);
            }
        });
        for (Route route : camel.getRoutes()) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
            if (route.isAutoStartup() && status != ServiceStatus.Started) {
                down.put("route " + route.getRouteId(), String.valueOf(status));
            }
        }
        if (!camel.isStarted()) {
            down.put("camel", String.valueOf(camel.getStatus()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", down.isEmpty() ? "UP" : "DOWN");
        if (!down.isEmpty()) {
            body.put("down", down);
        }
        return HttpAnswer.json(down.isEmpty() ? 200 : 503, body);
    }
}
