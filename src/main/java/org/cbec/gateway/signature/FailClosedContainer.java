package org.cbec.gateway.signature;

import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * Every container as the intake opens it: a parser that still recurses past the depth limits, or needs more memory
 * than one message may take, ends in an Error that no container may let escape. Such a message is MALFORMED_MESSAGE
 * like any other that cannot be read, and the intake archives its refusal, instead of a bare 500 with no evidence.
 * The stack is unwound and the one message's memory released by the time the Error reaches here.
 */
public final class FailClosedContainer implements SignatureContainer {
    private final SignatureContainer container;

    public FailClosedContainer(SignatureContainer container) {
        this.container = container;
    }

    @Override
    public SignedDocument open(byte[] body, String contentType) {
        return failClosed(() -> container.open(body, contentType));
    }

    @Override
    public SignedDocument open(ReceivedBody body, String contentType) {
        return failClosed(() -> container.open(body, contentType));
    }

    private static SignedDocument failClosed(java.util.function.Supplier<SignedDocument> opening) {
        try {
            return opening.get();
        } catch (StackOverflowError e) {
            throw tooDeep(e);
        } catch (OutOfMemoryError e) {
            throw tooLarge(e);
        }
    }

    private static GatewayException tooDeep(StackOverflowError e) {
        return new GatewayException(
                GatewayError.MALFORMED_MESSAGE, "the signature container is nested too deeply to be read", e);
    }

    private static GatewayException tooLarge(OutOfMemoryError e) {
        return new GatewayException(
                GatewayError.MALFORMED_MESSAGE,
                "the signature container needs more memory to read than one message may use",
                e);
    }
}
