package org.cbec.gateway.translate;

import io.xlate.edi.stream.EDIInputFactory;
import io.xlate.edi.stream.EDIStreamEvent;
import io.xlate.edi.stream.EDIStreamException;
import io.xlate.edi.stream.EDIStreamReader;
import io.xlate.edi.stream.EDIStreamValidationError;
import io.xlate.edi.stream.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The syntax layer of {@code edifact-cuscar}: reads one UN/EDIFACT interchange with StAEDI's
 * {@link EDIStreamReader} and hands every segment but {@code UNA} on as a {@link EdifactSegment}, its data elements
 * split into components with release characters removed. No message schema is used; StAEDI's own control
 * schema checks the service segments ({@code UNB}/{@code UNH}/{@code UNT}/{@code UNZ}), their counts and
 * references. On top of that this class checks the service string advice {@code UNA}, the character set
 * of {@code UNB}, element lengths and characters.
 *
 * <p>Character sets: bytes are read as ISO-8859-1, so no byte is ever lost or replaced, and each element
 * is then checked or decoded for the syntax identifier: {@code UNOA}/{@code UNOB} (ASCII only),
 * {@code UNOC} (ISO-8859-1, as read), {@code UNOW}/{@code UNOY} (UTF-8, decoded strictly). Others are
 * refused. EdifactErrors are located as {@code segment N (TAG), element E, component C}, where N counts every
 * segment from the start of the interchange, {@code UNA} included when present. A syntax error that the
 * parser cannot read past (an unterminated segment, a tag that is no tag) ends reading there; StAEDI reads
 * no release character in the trailers {@code UNT} and {@code UNZ}, so one there stops it too.
 *
 * <p>The raw bytes around the parser (start, {@code UNA}, naming what stands where it stopped) are
 * {@link EdifactBytes}; the character set of each element is {@link EdifactCharacterSet}.
 *
 * <p>One instance per translation; not shared.
 */
final class EdifactInterchange {

    /** The longest data element of the directories (4440 free text, an..512). */
    static final int MAX_ELEMENT_LENGTH = 512;

    /** More data elements or components than any segment of the directories has. */
    static final int MAX_ELEMENTS = 99;

    /** StAEDI buffers one data element in 4,096 characters and stops at a longer one. */
    static final int PARSER_ELEMENT_LIMIT = 4096;

    private static final EDIInputFactory FACTORY = newFactory();

    private final byte[] document;
    private final EdifactErrors errors;
    private final EdifactBytes bytes;
    private final EdifactCharacterSet characterSet;
    private int syntaxVersion;

    // where the reader is, for located errors and for the control counts
    private int openPosition = -1;
    private String openTag = "";
    private int closedPosition;
    private String closedTag = "";
    private int nextSegmentOffset;
    private boolean interchangeEnded;
    private int interchanges;
    private int messages;
    private int unhPosition;
    private String unhReference = "";
    private String unbReference = "";
    private List<List<String>> elements = new ArrayList<>();
    private boolean elementLimitReported;
    private boolean repetitionReported;

    EdifactInterchange(byte[] document, EdifactErrors errors) {
        this.document = document;
        this.errors = errors;
        this.bytes = new EdifactBytes(document);
        this.characterSet = new EdifactCharacterSet(errors);
    }

    /**
     * Reads the interchange, handing each complete segment to {@code handler} in order; every problem goes to
     * the errors. Returns false when reading had to stop early (the interchange could not be read to its
     * end), so that the caller does not judge groups that were cut off.
     */
    boolean read(Consumer<EdifactSegment> handler) {
        if (bytes.isEmpty()) {
            errors.add(Integer.MAX_VALUE, "document", "is empty");
            return false;
        }
        if (!bytes.serviceStringAdvice(errors)) {
            return false;
        }
        EDIStreamReader reader = open();
        try {
            while (true) {
                EDIStreamEvent event;
                try {
                    if (!reader.hasNext()) {
                        return true;
                    }
                    event = reader.next();
                } catch (EDIStreamException e) {
                    stopped(e.getLocation(), e.getCause());
                    return false;
                } catch (RuntimeException e) {
                    // a parser failure on hostile input must become a located error, never an exception
                    stopped(null, e);
                    return false;
                }
                event(reader, event, handler);
            }
        } finally {
            close(reader);
        }
    }

    /** Whether {@code c} may stand as decimal mark: the advised one, and from syntax version 4 on both. */
    boolean isDecimalMark(char c) {
        return c == bytes.decimalMark() || (syntaxVersion >= 4 && (c == '.' || c == ','));
    }

    private static EDIInputFactory newFactory() {
        EDIInputFactory factory = EDIInputFactory.newFactory();
        // UNB's syntax identifier is checked here, with the character sets this translator supports
        factory.setProperty(EDIInputFactory.EDI_VALIDATE_CONTROL_CODE_VALUES, false);
        return factory;
    }

    private EDIStreamReader open() {
        int start = bytes.start();
        ByteArrayInputStream input = new ByteArrayInputStream(document, start, document.length - start);
        try {
            // ISO-8859-1 maps every byte to one character: the syntax identifier decides the rest per element
            return FACTORY.createEDIStreamReader(input, StandardCharsets.ISO_8859_1.name());
        } catch (EDIStreamException e) {
            throw new IllegalStateException("ISO-8859-1 is always supported", e);
        }
    }

    private static void close(EDIStreamReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            // closing a reader over a byte array cannot fail, and there is nothing to release if it did
            throw new IllegalStateException("closing an in-memory EDIFACT reader failed", e);
        }
    }

    private void event(EDIStreamReader reader, EDIStreamEvent event, Consumer<EdifactSegment> handler) {
        switch (event) {
            case START_INTERCHANGE -> {
                interchangeEnded = false;
                interchanges++;
                messages = 0;
            }
            case END_INTERCHANGE -> interchangeEnded = true;
            case START_SEGMENT -> {
                openPosition = reader.getLocation().getSegmentPosition();
                openTag = reader.getText();
                elements = new ArrayList<>();
                elementLimitReported = false;
                repetitionReported = false;
                if ("UNH".equals(openTag)) {
                    unhPosition = openPosition;
                    messages++;
                }
            }
            case ELEMENT_DATA -> element(reader);
            case END_SEGMENT -> {
                EdifactSegment segment = new EdifactSegment(openPosition, openTag, elements);
                closedPosition = openPosition;
                closedTag = openTag;
                openPosition = -1;
                nextSegmentOffset = reader.getLocation().getCharacterOffset();
                serviceSegment(segment);
                if (!"UNA".equals(segment.tag())) {
                    handler.accept(segment);
                }
            }
            case SEGMENT_ERROR, ELEMENT_DATA_ERROR, ELEMENT_OCCURRENCE_ERROR -> validationError(reader);
            default -> {
                // composites, loops, messages: the positions in the events above say all that is needed
            }
        }
    }

    private void element(EDIStreamReader reader) {
        Location location = reader.getLocation();
        int element = location.getElementPosition();
        int component = Math.max(1, location.getComponentPosition());
        if (location.getElementOccurrence() > 1) {
            if (!repetitionReported) {
                repetitionReported = true;
                errors.add(
                        openPosition,
                        EdifactSegment.at(openPosition, openTag, element),
                        "repeats: no data element of a CUSCAR message is repeated");
            }
            return;
        }
        if (element > MAX_ELEMENTS || component > MAX_ELEMENTS) {
            if (!elementLimitReported) {
                elementLimitReported = true;
                errors.add(
                        openPosition,
                        EdifactSegment.at(openPosition, openTag),
                        "has more than " + MAX_ELEMENTS + " data elements or components");
            }
            return;
        }
        String text = characterSet.decode(
                reader.getText(), openPosition, EdifactSegment.at(openPosition, openTag, element, component));
        while (elements.size() < element) {
            elements.add(new ArrayList<>());
        }
        List<String> components = elements.get(element - 1);
        while (components.size() < component - 1) {
            components.add("");
        }
        components.add(text);
    }

    /** What the service segments tell: character set, syntax version and control references. */
    private void serviceSegment(EdifactSegment segment) {
        switch (segment.tag()) {
            case "UNB" -> {
                if (interchanges > 1) {
                    errors.add(
                            segment.position(),
                            segment.at(),
                            "starts a second interchange: a document holds one interchange");
                }
                if (!characterSet.use(segment.text(1, 1))) {
                    errors.add(
                            segment.position(),
                            segment.at(1, 1),
                            "is not a supported syntax "
                                    + "identifier: UNOA, UNOB (ASCII), UNOC (ISO-8859-1), UNOW or UNOY (UTF-8)");
                }
                String version = segment.text(1, 2);
                syntaxVersion =
                        version.length() == 1 && Character.isDigit(version.charAt(0)) ? version.charAt(0) - '0' : 0;
                unbReference = segment.text(5);
            }
            case "UNH" -> unhReference = segment.text(1);
            default -> {
                // other segments are the message's business
            }
        }
    }

    /**
     * The text of the element in error, or "" when there is none. StAEDI can say it has text and then fail to give
     * it (a NullPointerException in {@code getText} for some element errors in data with control bytes: found by
     * fuzzing); the text only makes the message clearer, so without it the message goes on.
     */
    private static String textOf(EDIStreamReader reader) {
        if (!reader.hasText()) {
            return "";
        }
        try {
            return reader.getText();
        } catch (NullPointerException noTextAfterAll) {
            return "";
        }
    }

    private void validationError(EDIStreamReader reader) {
        EDIStreamValidationError type = reader.getErrorType();
        Location location = reader.getLocation();
        int position = location.getSegmentPosition();
        String tag = location.getSegmentTag() == null ? "" : location.getSegmentTag();
        int element = location.getElementPosition();
        int component = location.getComponentPosition();
        String where = element > 0
                ? (component > 0
                        ? EdifactSegment.at(position, tag, element, component)
                        : EdifactSegment.at(position, tag, element))
                : EdifactSegment.at(position, tag);
        String text = textOf(reader);
        String message = switch (type) {
            case CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT ->
                "UNT".equals(tag)
                        ? "says " + text + " segments but the message has " + (position - unhPosition + 1)
                                + " (UNH to UNT)"
                        : "says " + text + " messages but the interchange has " + messages;
            case CONTROL_REFERENCE_MISMATCH ->
                "UNT".equals(tag)
                        ? "is message reference " + text + " but UNH says " + unhReference
                        : "is interchange control reference " + text + " but UNB says " + unbReference;
            case SEGMENT_EXCEEDS_MAXIMUM_USE ->
                "UNH".equals(tag)
                        ? "starts a message before the previous one ended with UNT"
                        : "appears more often than its place allows";
            case UNEXPECTED_SEGMENT, SEGMENT_NOT_IN_DEFINED_TRANSACTION_SET ->
                "is outside a message: data segments belong between UNH and UNT";
            case MANDATORY_SEGMENT_MISSING, CONDITIONAL_REQUIRED_SEGMENT_MISSING ->
                // a functional group (UNG) is the alternative to messages directly in the interchange
                "UNG".equals(text) ? null : "comes where segment " + text + " is missing";
            case REQUIRED_DATA_ELEMENT_MISSING -> "is required";
            case DATA_ELEMENT_TOO_LONG -> "is longer than its data element allows";
            case DATA_ELEMENT_TOO_SHORT -> "is shorter than its data element allows";
            case INVALID_CHARACTER_DATA -> "holds characters that its data element does not allow";
            case INVALID_DATE -> "is not a valid date";
            case INVALID_TIME -> "is not a valid time";
            case TOO_MANY_DATA_ELEMENTS -> "has more data elements than the segment has";
            case TOO_MANY_COMPONENTS -> "has more components than its composite has";
            case TOO_MANY_REPETITIONS -> "repeats more often than allowed";
            default -> type.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
        if (message != null) {
            errors.add(position, where, message);
        }
    }

    /** Reading stopped at {@code location}: says where and why, as precisely as the position allows. */
    private void stopped(Location location, Throwable cause) {
        int offset = location == null ? -1 : location.getCharacterOffset();
        boolean atEnd = bytes.atEnd(offset);
        if (openPosition > 0) {
            String where = EdifactSegment.at(openPosition, openTag);
            int release = bytes.escapingRelease();
            // StAEDI stops at a release character in UNT and UNZ, or at the end when it escaped the terminator
            if (release >= 0 && offset > release - bytes.start()) {
                errors.add(
                        openPosition,
                        where,
                        "is not terminated: the release character " + bytes.releaseCharacter()
                                + " at the end escapes the segment terminator " + bytes.segmentTerminator());
            } else if (atEnd) {
                errors.add(openPosition, where, "is not terminated: the interchange ends inside it");
            } else if (cause instanceof BufferOverflowException) {
                errors.add(
                        openPosition, where, "has a data element longer than " + PARSER_ELEMENT_LIMIT + " characters");
            } else {
                errors.add(openPosition, where, "cannot be read: " + bytes.offending(offset) + " is not allowed here");
            }
        } else if (closedPosition == 0) {
            int position = bytes.hasServiceStringAdvice() ? 2 : 1;
            String tag = bytes.rawTag(bytes.hasServiceStringAdvice() ? EdifactBytes.UNA_LENGTH : 0);
            String where = EdifactSegment.at(position, tag);
            if (!"UNB".equals(tag)) {
                errors.add(
                        position,
                        where,
                        "is not the interchange header: an interchange starts with UNB, " + "after an optional UNA");
            } else if (atEnd) {
                errors.add(position, where, "is not terminated: the interchange ends inside it");
            } else {
                errors.add(
                        position,
                        where,
                        "cannot be read as interchange header: " + bytes.offending(offset) + " is not allowed here");
            }
        } else if (atEnd) {
            errors.add(
                    closedPosition,
                    EdifactSegment.at(closedPosition, closedTag),
                    "is the last segment: the interchange ends without its trailer UNZ");
        } else {
            int position = closedPosition + 1;
            String where = EdifactSegment.at(position, bytes.rawTag(nextSegmentOffset));
            errors.add(
                    position,
                    where,
                    interchangeEnded
                            ? "follows the interchange trailer UNZ: a document holds one interchange"
                            : "is not a segment: a segment starts with a tag of three letters or digits");
        }
    }
}
