package org.cbec.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.cbec.gateway.error.GatewayError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 request decoder of every connection, in place of Vert.x's: it refuses what RFC 9112 says a server
 * must refuse or may not guess at (Content-Length with Transfer-Encoding, a Transfer-Encoding other than
 * {@code chunked}, repeated Content-Lengths, obs-fold, bare LF), and a header section that takes longer than
 * {@code gateway.http.header-timeout}, with the gateway's problem and its code, then closes the connection so that
 * nothing after the refused bytes is read as another request. A body that takes longer than
 * {@code gateway.http.body-timeout} after its headers is answered 408 {@code HTTP_REQUEST_TIMEOUT} the same way, unless
 * an answer to the request has already begun (then the connection is only closed). Every such refusal is reported to
 * {@link HttpRefusals}: no route ran, so there is no message to archive, but there is a security event. Netty alone folds obs-fold into the previous value,
 * takes bare LF, and drops Content-Length when Transfer-Encoding is present.
 */
public final class StrictHttpRequestDecoder extends HttpRequestDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(StrictHttpRequestDecoder.class);
    private static final String NAME = "httpDecoder";
    private static final String VERTX_HANDLER = "handler";

    private final HttpLimits limits;
    /** True between the first byte of a request and the end of its header section. */
    private boolean inHeaders = true;
    /** True once the decoder has consumed a line of the current header section (it consumes whole lines only). */
    private boolean consumedHeaderLine;

    private boolean refused;
    private ScheduledFuture<?> timer;
    private final HttpRefusals refusals;
    /** The current request's method and target, for the record of a refusal. */
    private String requestLine;
    /** Requests whose header section was decoded on this connection, and answers begun (HTTP/1.1 answers in order). */
    private long requestsDecoded;

    private long answersBegun;
    /** False when the answers could not be watched: then a late body only closes the connection. */
    private boolean answersWatched;

    private StrictHttpRequestDecoder(HttpLimits limits, int maxChunkSize, HttpRefusals refusals) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(maxChunkSize)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setValidateHeaders(true));
        this.limits = limits;
        this.refusals = refusals;
    }

    /** Puts the strict decoder in place of Vert.x's on a new HTTP/1.x connection (an HTTP/2 connection has none). */
    public static void install(HttpConnection connection, HttpLimits limits, HttpRefusals refusals) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        if (pipeline.get(NAME) instanceof HttpRequestDecoder) {
            StrictHttpRequestDecoder decoder = new StrictHttpRequestDecoder(limits, 8192, refusals);
            pipeline.replace(NAME, NAME, decoder);
            // Vert.x's connection handler is "handler": what it writes passes here before the encoder.
            if (pipeline.get(VERTX_HANDLER) != null) {
                pipeline.addBefore(VERTX_HANDLER, "answerWatch", new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                        if (msg instanceof HttpResponse) {
                            decoder.answersBegun++;
                        }
                        super.write(ctx, msg, promise);
                    }
                });
                decoder.answersWatched = true;
            }
        }
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) {
        // As Vert.x's own decoder: its request reads these headers without a copy.
        return new DefaultHttpRequest(
                HttpVersion.valueOf(initialLine[2]),
                HttpMethod.valueOf(initialLine[0]),
                initialLine[1],
                HeadersMultiMap.httpHeaders());
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        return message != null && message.getClass() != DefaultHttpRequest.class && super.isContentAlwaysEmpty(message);
    }

    /** RFC 9112 6.1: a server MAY reject such a request; behind a proxy that reads the Content-Length it MUST NOT guess. */
    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("Content-Length together with Transfer-Encoding");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (refused) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (inHeaders && buffer.isReadable()) {
            String defect = foldOrBareLf(buffer);
            if (defect != null) {
                refuse(ctx, buffer, GatewayError.HTTP_FRAMING_INVALID, defect);
                return;
            }
            if (timer == null) {
                timer = ctx.executor()
                        .schedule(
                                () -> headerTimedOut(ctx),
                                limits.headerTimeout().toMillis(),
                                TimeUnit.MILLISECONDS);
            }
        }
        int before = out.size();
        int readerIndex = buffer.readerIndex();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            String defect = defect(decoded);
            if (defect != null) {
                for (int j = out.size() - 1; j >= i; j--) {
                    ReferenceCountUtil.release(out.remove(j));
                }
                if (decoded instanceof HttpMessage || !(decoded instanceof HttpContent)) {
                    refuse(
                            ctx,
                            buffer,
                            tooLarge(decoded) ? GatewayError.HTTP_HEADERS_TOO_LARGE : GatewayError.HTTP_FRAMING_INVALID,
                            defect);
                } else {
                    // The request is already with the routes: answering over it would be a second answer, so close.
                    LOG.warn(
                            "Closing a connection from {}: its body is malformed ({})",
                            ctx.channel().remoteAddress(),
                            defect);
                    report(ctx, GatewayError.HTTP_FRAMING_INVALID, "the body is malformed (" + defect + ")");
                    refused = true;
                    buffer.skipBytes(buffer.readableBytes());
                    ctx.close();
                }
                return;
            }
            if (decoded instanceof HttpMessage) {
                requestsDecoded++;
                if (decoded instanceof HttpRequest request) {
                    requestLine = request.method() + " " + request.uri();
                }
                inHeaders = false;
                consumedHeaderLine = false;
                cancelTimer();
                timer = ctx.executor()
                        .schedule(() -> bodyTimedOut(ctx), limits.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            if (decoded instanceof LastHttpContent) {
                inHeaders = true;
                requestLine = null;
                cancelTimer();
            }
        }
        if (inHeaders && buffer.readerIndex() > readerIndex && out.size() == before) {
            consumedHeaderLine = true;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    /**
     * A header line that starts with a space or tab (obs-fold, RFC 9112 5.2), or a line ended by LF alone (RFC 9112 2.2),
     * in the part of the header section now in the buffer. The decoder consumes whole lines, so the buffer starts a line.
     */
    private String foldOrBareLf(ByteBuf buffer) {
        int end = buffer.writerIndex();
        byte previous = consumedHeaderLine ? (byte) '\n' : 0;
        byte beforePrevious = consumedHeaderLine ? (byte) '\r' : 0;
        for (int i = buffer.readerIndex(); i < end; i++) {
            byte b = buffer.getByte(i);
            if (b == '\n' && previous != '\r') {
                return "a header line ends with a bare LF";
            }
            if (previous == '\n' && beforePrevious == '\r') {
                if (b == ' ' || b == '\t') {
                    return "a header line starts with whitespace (obs-fold)";
                }
                if (b == '\r') {
                    return null; // the empty line: the header section ends here, what follows is the body
                }
            }
            beforePrevious = previous;
            previous = b;
        }
        return null;
    }

    private static String defect(Object decoded) {
        if (decoded instanceof HttpObject object && object.decoderResult().isFailure()) {
            Throwable cause = object.decoderResult().cause();
            return cause == null ? "malformed" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        if (decoded instanceof HttpRequest request) {
            List<String> encodings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (encodings.size() > 1
                    || (encodings.size() == 1
                            && !"chunked".equals(encodings.get(0).trim().toLowerCase(Locale.ROOT)))) {
                return "Transfer-Encoding " + encodings + " is not exactly chunked";
            }
        }
        return null;
    }

    private static boolean tooLarge(Object decoded) {
        return decoded instanceof HttpObject object && object.decoderResult().cause() instanceof TooLongFrameException;
    }

    private void headerTimedOut(ChannelHandlerContext ctx) {
        timer = null;
        if (inHeaders && !refused && ctx.channel().isActive()) {
            refuse(
                    ctx,
                    null,
                    GatewayError.HTTP_REQUEST_TIMEOUT,
                    "the header section took longer than " + limits.headerTimeout());
        }
    }

    private void bodyTimedOut(ChannelHandlerContext ctx) {
        timer = null;
        if (inHeaders || refused || !ctx.channel().isActive()) {
            return;
        }
        String detail = "the request body did not arrive within " + limits.bodyTimeout() + " after its headers";
        if (answersWatched && answersBegun < requestsDecoded) {
            // The routes wait for the whole body and have not answered: this answer is the only one the request gets.
            refuse(ctx, null, GatewayError.HTTP_REQUEST_TIMEOUT, detail);
            return;
        }
        // An answer has begun (the body was refused early, say): a second answer would corrupt it, so close.
        LOG.warn("Closing a connection from {}: {}", ctx.channel().remoteAddress(), detail);
        report(ctx, GatewayError.HTTP_REQUEST_TIMEOUT, detail + " (closed after the answer began)");
        refused = true;
        ctx.close();
    }

    private void report(ChannelHandlerContext ctx, GatewayError error, String detail) {
        String address = ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null
                ? peer.getAddress().getHostAddress()
                : String.valueOf(ctx.channel().remoteAddress());
        try {
            refusals.refused(error, address, requestLine, detail);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the refusal of a request from {}: {}", address, e.toString());
        }
    }

    /** Answers the gateway's problem, ignores whatever else comes, and closes once the answer is out. */
    private void refuse(ChannelHandlerContext ctx, ByteBuf buffer, GatewayError error, String detail) {
        refused = true;
        cancelTimer();
        if (buffer != null) {
            buffer.skipBytes(buffer.readableBytes());
        }
        LOG.warn("Refused an HTTP request from {} with {}: {}", ctx.channel().remoteAddress(), error.code(), detail);
        report(ctx, error, detail);
        HttpAnswer answer = HttpAnswer.problem(error, detail, null, null);
        String head = "HTTP/1.1 " + error.httpStatus() + " " + reason(error.httpStatus()) + "\r\nContent-Type: "
                + answer.contentType() + "\r\nContent-Length: " + answer.content().length
                + "\r\nConnection: close\r\n\r\n";
        // Written from this handler, the bytes go out under the HTTP encoder, which has no request to answer.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), answer.content()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String reason(int status) {
        return switch (status) {
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            default -> "Bad Request";
        };
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
