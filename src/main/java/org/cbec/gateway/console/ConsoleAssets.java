package org.cbec.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.http.HttpAnswer;

/**
 * Serves the console's page, script and style from the jar ({@code console/} on the classpath). They hold no
 * data: everything shown comes from the operators' API, which asks for a login.
 */
public final class ConsoleAssets {
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html",
            "text/html; charset=utf-8",
            "js",
            "text/javascript; charset=utf-8",
            "css",
            "text/css; charset=utf-8",
            "svg",
            "image/svg+xml");
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    /** The chart library's files, from its WebJar (org.webjars.npm:uplot), by the name the page asks for. */
    private static final Map<String, String> VENDOR = Map.of(
            "vendor/uplot.js",
            "dist/uPlot.iife.min.js",
            "vendor/uplot.css",
            "dist/uPlot.min.css",
            "vendor/uplot-license.txt",
            "LICENSE");

    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/";

    public HttpAnswer serve(@Header(Exchange.HTTP_PATH) String path) {
        String name = path == null ? "" : path.replaceFirst("^/?(console)?/?", "");
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (VENDOR.containsKey(name)) {
            return resource(UPLOT + VENDOR.get(name), name);
        }
        if (!ASSET.matcher(name).matches()) {
            return HttpAnswer.problem(GatewayError.NOT_FOUND, "no console page " + name, null, null);
        }
        return resource("/console/" + name, name);
    }

    private static HttpAnswer resource(String resource, String name) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                return HttpAnswer.problem(GatewayError.NOT_FOUND, "no console page " + name, null, null);
            }
            String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "text/plain; charset=utf-8");
            return new HttpAnswer(200, type, in.readAllBytes(), SECURITY_HEADERS);
        } catch (IOException e) {
            return HttpAnswer.problem(GatewayError.INTERNAL_ERROR, "cannot read console page " + name, null, null);
        }
    }

    /** A WebJar's version, from the Maven properties it carries: the page names no version, the jar decides. */
    private static String webJarVersion(String artifact) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "missing");
        } catch (IOException e) {
            return "missing";
        }
    }
}
