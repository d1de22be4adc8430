package org.cbec.gateway.translate;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The syntax identifier of {@code UNB} and what it means for each data element read as ISO-8859-1:
 * {@code UNOA}/{@code UNOB} ASCII only, {@code UNOC} as read, {@code UNOW}/{@code UNOY} UTF-8 decoded strictly.
 * Element lengths and control characters are checked here too; a problem is reported, never thrown.
 */
final class EdifactCharacterSet {
    private final EdifactErrors errors;
    private String syntaxIdentifier = "UNOC";
    private CharsetDecoder utf8;

    EdifactCharacterSet(EdifactErrors errors) {
        this.errors = errors;
    }

    /** Takes the syntax identifier of {@code UNB}; false when it is none this translator supports. */
    boolean use(String identifier) {
        switch (identifier) {
            case "UNOA", "UNOB", "UNOC", "UNOW", "UNOY" -> {
                syntaxIdentifier = identifier;
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** The element's text in the interchange's character set; {@code where} locates its problems. */
    String decode(String text, int position, String where) {
        if (text.length() > EdifactInterchange.MAX_ELEMENT_LENGTH) {
            errors.add(position, where, "is longer than " + EdifactInterchange.MAX_ELEMENT_LENGTH + " characters");
        }
        String decoded = text;
        switch (syntaxIdentifier) {
            case "UNOA", "UNOB" -> {
                if (text.chars().anyMatch(c -> c > 0x7F)) {
                    errors.add(
                            position,
                            where,
                            "holds a character that syntax identifier " + syntaxIdentifier + " (ASCII) does not have");
                    return text;
                }
            }
            case "UNOW", "UNOY" -> {
                byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
                try {
                    decoded = utf8().decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    errors.add(
                            position,
                            where,
                            "is not valid UTF-8, which syntax identifier " + syntaxIdentifier + " declares");
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            }
            default -> {
                // UNOC: ISO-8859-1, exactly as read
            }
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (Character.isISOControl(c)) {
                errors.add(
                        position,
                        where,
                        String.format(
                                Locale.ROOT,
                                "holds the control character U+%04X, which EDIFACT text does not allow",
                                (int) c));
                break;
            }
        }
        return decoded;
    }

    private CharsetDecoder utf8() {
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        return utf8;
    }
}
