package dev.chat.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.handoff.ApiClient;
import dev.chat.handoff.ApiUnavailableException;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ClientFrames;
import dev.chat.protocol.CloseCode;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Peeked;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ServerFrames;
import dev.chat.telemetry.RequestId;
import dev.chat.tokens.AccessClaims;
import dev.chat.tokens.AccessTokens;
import dev.chat.tokens.InvalidTokenException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP fallback for clients whose network will not carry a WebSocket (docs/PROTOCOL.md,
 * "Without WebSockets"): {@code GET /events} is a Server-Sent Events stream of the very frames a
 * socket gets, from the same {@code welcome} on, and {@code POST /events/frames} takes one client
 * frame, hands it to api as a socket's frame is handed, and answers with what the socket would
 * have been sent. Both authenticate like the socket's upgrade (the access cookie or a bearer
 * token; a browser's Origin on the allowlist). The stream is a {@link ClientSession} like a
 * socket's, so it is bound, delivered to, pinged, closed and counted the same way.
 */
final class EventStream {
    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());
    static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
    /** Where the stream is served, and where frames are posted. */
    static final String STREAM_PATH = "/events";
    static final String FRAMES_PATH = "/events/frames";

    private final NodeConfig config;
    private final AccessTokens tokens;
    private final SessionRegistry registry;
    private final ApiClient api;
    private final ServerFrames frames;
    private final ClientFrames codec;
    private final ObjectMapper mapper;
    private final NodeMeters meters;
    /** Posted frames per user on this node: the socket's token bucket, kept per user since posts have no socket. */
    private final java.util.concurrent.ConcurrentHashMap<UUID, Bucket> buckets = new java.util.concurrent.ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    EventStream(NodeConfig config, AccessTokens tokens, SessionRegistry registry, ApiClient api, ObjectMapper mapper,
                NodeMeters meters) {
        this.config = config;
        this.tokens = tokens;
        this.registry = registry;
        this.api = api;
        this.mapper = mapper;
        this.meters = meters;
        this.frames = new ServerFrames(mapper);
        this.codec = new ClientFrames(mapper);
    }

    /** {@code GET /events}: the stream, until the node ends it or the client goes away. */
    void stream(ServerRequest req, ServerResponse res) throws InterruptedException {
        Optional<AccessClaims> claims = authenticate(req, res);
        if (claims.isEmpty()) {
            return;
        }
        res.status(Status.OK_200)
                .header(HeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .header(HeaderNames.create("X-Accel-Buffering"), "no"); // nginx: pass each event on at once
        try (OutputStream out = res.outputStream()) {
            SseTransport transport = new SseTransport(out);
            ClientSession session = new ClientSession(transport, claims.get(), config.sendQueueLimit(),
                    config.framesPerSecond(), config.frameBurst(), meters);
            meters.sessionOpened();
            try {
                registry.add(session);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot bind user at the broker: {0}", e.getMessage());
                session.close(CloseCode.TRY_AGAIN_LATER, "try again later");
                transport.awaitEnd();
                return;
            }
            try {
                session.send(frames.encode(new ServerFrame.Welcome(config.nodeId(), session.id(),
                        config.heartbeat().toSeconds(), claims.get().userId(), claims.get().username())));
                transport.awaitEnd();
            } finally {
                if (!transport.closedByServer()) {
                    meters.sessionClosed(1001); // the client went away
                }
                session.closed();
                registry.remove(session);
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "event stream ended", e);
        }
    }

    /**
     * {@code POST /events/frames}: one client frame, as a socket would send it. The answer is the
     * frame the socket would get ({@code ack}, {@code error}, {@code pong}) with 200, or 204 when a
     * socket would get nothing (typing, receipts). A client sends its frames one at a time, each
     * after the answer to the one before, to keep them in order.
     */
    void frame(ServerRequest req, ServerResponse res) {
        Optional<AccessClaims> claims = authenticate(req, res);
        if (claims.isEmpty()) {
            return;
        }
        if (!req.headers().first(HeaderNames.CONTENT_TYPE).map(t -> t.strip().startsWith("application/json")).orElse(false)) {
            problem(res, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the frame as application/json.");
            return;
        }
        String text;
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes(config.maxFrameBytes() + 1);
            if (body.length > config.maxFrameBytes()) {
                problem(res, ErrorCode.PAYLOAD_TOO_LARGE, "A frame is at most " + config.maxFrameBytes() + " bytes.");
                return;
            }
            text = new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problem(res, ErrorCode.VALIDATION_FAILED, "The frame could not be read.");
            return;
        }
        Peeked peeked = codec.peek(text);
        if (!allowFrame(claims.get().userId())) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(error(peeked.id(), ErrorCode.RATE_LIMITED, "Too many frames; slow down."));
            return;
        }
        String answer = switch (peeked) {
            case ClientFrame.Ping p -> frames.encode(new ServerFrame.Pong(p.id()));
            case Peeked.ForApi f -> handOff(claims.get(), f, text);
            case ClientFrame.Refused r -> error(r.id(), r.code(), r.detail());
        };
        if (answer == null) {
            res.status(Status.NO_CONTENT_204).send();
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(answer);
        }
    }

    /** Takes one frame from the user's bucket; false when the user is over the socket's rate. */
    private boolean allowFrame(UUID user) {
        long now = System.nanoTime();
        if (buckets.size() > 10_000) {
            buckets.values().removeIf(b -> now - b.refilledAt > java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
        }
        Bucket b = buckets.computeIfAbsent(user, u -> new Bucket(config.frameBurst(), now));
        synchronized (b) {
            b.tokens = Math.min(config.frameBurst(), b.tokens + (now - b.refilledAt) / 1e9 * config.framesPerSecond());
            b.refilledAt = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }

    private String handOff(AccessClaims user, Peeked.ForApi f, String text) {
        String trace = RequestId.fresh();
        return RequestId.with(trace, () -> {
            try {
                // api takes the user from here, never from the frame; it does not use the session
                return api.frame(user.userId(), UUID.randomUUID(), trace, text);
            } catch (ApiUnavailableException | IllegalStateException e) {
                LOG.log(Level.WARNING, "hand-off failed: {0}", e.getMessage());
                return error(f.id(), ErrorCode.SERVICE_UNAVAILABLE, "The service is briefly unavailable; retry.");
            }
        });
    }

    /** The caller, as a socket's upgrade finds it; else the answer is written and empty returned. */
    private Optional<AccessClaims> authenticate(ServerRequest req, ServerResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !config.allowedOrigins().contains(origin.get())) {
            problem(res, ErrorCode.FORBIDDEN, "This origin may not use the service.");
            return Optional.empty();
        }
        Optional<AccessClaims> claims = ChatEndpoint.token(req.headers()).flatMap(this::verify)
                .filter(c -> !registry.isRevoked(c));
        if (claims.isEmpty()) {
            problem(res, ErrorCode.UNAUTHENTICATED, "Log in again: no valid access token.");
        }
        return claims;
    }

    private Optional<AccessClaims> verify(String token) {
        try {
            return Optional.of(tokens.verify(token));
        } catch (InvalidTokenException e) {
            return Optional.empty();
        }
    }

    private String error(String id, ErrorCode code, String detail) {
        meters.errorFrame(code.code());
        return frames.encode(new ServerFrame.Error(id, code, detail));
    }

    /** RFC 9457 problem+json, as api writes them. */
    private void problem(ServerResponse res, ErrorCode code, String detail) {
        res.status(Status.create(code.status()))
                .header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(mapper.createObjectNode()
                        .put("type", "https://chat.dev/problems/" + code.code().replace('_', '-'))
                        .put("title", code.title())
                        .put("status", code.status())
                        .put("detail", detail)
                        .put("code", code.code())
                        .toString());
    }
}
