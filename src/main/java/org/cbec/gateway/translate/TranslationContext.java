package org.cbec.gateway.translate;

/** What a translator needs to know besides the document: who sent it and under which message id. */
public record TranslationContext(String partnerId, String messageId) {}
