package org.cbec.gateway.http.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.http.HttpAnswer;

/**
 * {@code GET /api/v1/schemas/} and {@code GET /api/v1/schemas/{folder}/{file}}: the schemas of the repository's
 * {@code schemas/} folder, as the jar carries them: JSON Schemas (2020-12) of the JSON business documents and the
 * canonical records, and the XSDs of the XML formats. Open, like the OpenAPI document: they are the published contract.
 * <p>
 * A new schema file is listed here too; {@code PublishedSchemasTest} fails while a file of {@code schemas/} is not.
 */
public final class PublishedSchemas {
    /** Each file under {@code schemas/}, and what it describes. */
    public static final Map<String, String> FILES = files();

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(
                "json/aeo-status-list.schema.json", "aeo-status-json: AEO status list (documentType AEO_STATUS_LIST)");
        files.put(
                "json/ecom-shipment.schema.json",
                "ecom-shipment-json: one shipment (ECOM_SHIPMENT) or a batch (ECOM_SHIPMENT_BATCH)");
        files.put(
                "canonical/aeo-status-record.schema.json",
                "canonical AEO_STATUS record, as forwarded to the national AEO system");
        files.put(
                "canonical/ecom-shipment-record.schema.json",
                "canonical ECOM_SHIPMENT record, as forwarded to the national e-commerce system");
        files.put(
                "xml/aeo-status-1.xsd",
                "aeo-status-xml: AEOStatusList in urn:cbec:aeo-status:1 (documents are validated against it)");
        files.put(
                "xml/wco-dec-ecommerce.xsd",
                "wco-dec-xml: the e-commerce subset of a WCO DEC-DMS declaration that the gateway reads");
        return java.util.Collections.unmodifiableMap(files);
    }

    /** The list: name, what it describes, media type and where to get it. */
    public HttpAnswer list() {
        List<Map<String, String>> schemas = new ArrayList<>();
        FILES.forEach((name, describes) -> schemas.add(Map.of(
                "name",
                name,
                "describes",
                describes,
                "mediaType",
                mediaType(name),
                "href",
                "/api/v1/schemas/" + name)));
        return HttpAnswer.json(
                200,
                Map.of(
                        "schemas",
                        schemas,
                        "mapping",
                        "docs/mapping/ in the repository: each partner format to the canonical fields"));
    }

    /** One file, exactly as in the repository. */
    public HttpAnswer file(@Header("folder") String folder, @Header("file") String file) {
        String name = folder + "/" + file;
        if (!FILES.containsKey(name)) {
            return HttpAnswer.problem(
                    GatewayError.NOT_FOUND, "no schema " + name + "; GET /api/v1/schemas/ lists them", null, null);
        }
        try (InputStream in = PublishedSchemas.class.getResourceAsStream("/schemas/" + name)) {
            if (in == null) {
                return HttpAnswer.problem(
                        GatewayError.INTERNAL_ERROR, "schema " + name + " is missing from the jar", null, null);
            }
            return new HttpAnswer(200, mediaType(name), in.readAllBytes(), Map.of("X-Content-Type-Options", "nosniff"));
        } catch (IOException e) {
            return HttpAnswer.problem(GatewayError.INTERNAL_ERROR, "cannot read schema " + name, null, null);
        }
    }

    private static String mediaType(String name) {
        return name.endsWith(".xsd") ? "application/xml" : "application/schema+json";
    }
}
