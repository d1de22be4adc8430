package org.cbec.gateway.canonical;

/** A seller or buyer of a shipment; {@code tin} and {@code aeoId} are null when the partner did not send them. */
public record Party(String name, String tin, String aeoId, Address address) {}
