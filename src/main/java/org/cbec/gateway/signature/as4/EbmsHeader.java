package org.cbec.gateway.signature.as4;

import java.time.Instant;
import java.util.Map;

/**
 * What an eb:UserMessage says of itself, read from a partner's message ({@link As4Request}) or written into the
 * gateway's own ({@link As4UserMessageWriter}): its eb:MessageInfo, eb:PartyInfo, eb:CollaborationInfo and
 * eb:MessageProperties.
 *
 * @param timestamp the sender's, as eb:MessageInfo has it
 * @param conversationId null when the message has no eb:ConversationId
 */
public record EbmsHeader(
        String messageId,
        Instant timestamp,
        String fromPartyId,
        String fromPartyIdType,
        String toPartyId,
        String toPartyIdType,
        String service,
        String action,
        String conversationId,
        Map<String, String> messageProperties) {}
