package org.cbec.gateway.http;

import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.spi.RestConfiguration;
import org.cbec.gateway.error.GatewayError;

/**
 * The component the REST DSL ({@code routes/rest-api.camel.yaml}) serves on: Camel's platform-http on the gateway's
 * own server ({@link GatewayHttpServer}, with {@link StrictHttpRequestDecoder} and {@link HttpLimits}), with one
 * difference. Platform-http turns an operation's {@code consumes} and {@code produces} into Vert.x route conditions,
 * so a request with another Content-Type or Accept would get Vert.x's bare 415/406, without a problem, a code or
 * evidence. Here the media types only document the API: the consumer is made without them, and the gateway's own
 * beans decide (an unknown Content-Type is refused as {@code UNSUPPORTED_FORMAT} and archived, as before).
 */
public final class GatewayRestComponent extends PlatformHttpComponent {
    /**
     * The published document's description gets the error-code table, made from {@link GatewayError} itself so
     * that it cannot drift from the codes the gateway really answers.
     */
    @Override
    public Consumer createApiConsumer(
            CamelContext camelContext,
            Processor processor,
            String contextPath,
            RestConfiguration configuration,
            Map<String, Object> parameters)
            throws Exception {
        Map<String, Object> properties = new java.util.HashMap<>(
                configuration.getApiProperties() == null ? Map.of() : configuration.getApiProperties());
        Object description = properties.getOrDefault("api.description", "");
        if (!String.valueOf(description).contains(TABLE_TITLE)) {
            properties.put("api.description", description + "\n\n" + errorCodeTable());
            configuration.setApiProperties(properties);
        }
        return super.createApiConsumer(camelContext, processor, contextPath, configuration, parameters);
    }

    private static final String TABLE_TITLE = "Error codes (the problem's code)";

    /** A Markdown table of every code, its HTTP status and when it is answered. */
    public static String errorCodeTable() {
        StringBuilder table = new StringBuilder(TABLE_TITLE).append("\n\n| code | HTTP | when |\n|---|---|---|\n");
        for (GatewayError error : GatewayError.values()) {
            table.append("| `")
                    .append(error.code())
                    .append("` | ")
                    .append(error.httpStatus())
                    .append(" | ")
                    .append(error.meaning().replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    @Override
    public Consumer createConsumer(
            CamelContext camelContext,
            Processor processor,
            String verb,
            String basePath,
            String uriTemplate,
            String consumes,
            String produces,
            RestConfiguration configuration,
            Map<String, Object> parameters)
            throws Exception {
        return super.createConsumer(
                camelContext, processor, verb, basePath, uriTemplate, null, null, configuration, parameters);
    }
}
