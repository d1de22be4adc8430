package org.cbec.gateway.canonical;

/**
 * A postal address in the canonical model. Every field but {@code country} may be null when the
 * partner did not send it; {@code country} is an ISO 3166-1 alpha-2 code.
 */
public record Address(String line, String city, String postcode, String country) {}
