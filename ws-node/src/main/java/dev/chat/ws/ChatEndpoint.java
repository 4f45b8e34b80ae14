package dev.chat.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.handoff.ApiClient;
import dev.chat.handoff.ApiUnavailableException;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ClientFrames;
import dev.chat.protocol.CloseCode;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.FrameType;
import dev.chat.protocol.Peeked;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ServerFrames;
import dev.chat.telemetry.RequestId;
import dev.chat.tokens.AccessClaims;
import dev.chat.tokens.AccessTokens;
import dev.chat.tokens.InvalidTokenException;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection at {@code /ws} (a new instance per connection).
 *
 * <p>Upgrade: a browser's Origin must be on the allowlist (else the upgrade is refused); the access
 * token comes from the HttpOnly cookie or an {@code Authorization: Bearer} header, never the URL. A
 * connection without a valid token is accepted and closed at once with 4401, so clients can tell
 * "log in again" from a network failure. Open: the user's key is bound to this node's queue
 * before the welcome frame is sent, so a client that syncs after the welcome misses nothing.
 */
final class ChatEndpoint implements WsListener {
    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());
    static final String ACCESS_COOKIE = "chat_access";
    /** What invalid UTF-8 in a text frame becomes once decoded: the replacement character. */
    private static final char NOT_UTF_8 = '\uFFFD';

    private final NodeConfig config;
    private final AccessTokens tokens;
    private final SessionRegistry registry;
    private final ApiClient api;
    private final ServerFrames frames;
    private final ClientFrames codec;
    private final Set<String> allowedOrigins;

    private AccessClaims claims;
    private ClientSession session;
    /** A text message arriving in fragments, reassembled up to the frame limit. */
    private final StringBuilder partial = new StringBuilder();

    private final NodeMeters meters;

    /**
     * Frames for api, handed off one at a time in the order they came, on a virtual thread of their
     * own: the socket's reader never waits on api, and a client's sends are stored in its order.
     */
    private final java.util.ArrayDeque<Runnable> lane = new java.util.ArrayDeque<>();
    private boolean laneRunning;

    ChatEndpoint(NodeConfig config, AccessTokens tokens, SessionRegistry registry, ApiClient api,
                 ObjectMapper mapper, NodeMeters meters) {
        this.meters = meters;
        this.config = config;
        this.api = api;
        this.tokens = tokens;
        this.registry = registry;
        this.frames = new ServerFrames(mapper);
        this.codec = new ClientFrames(mapper);
        this.allowedOrigins = config.allowedOrigins();
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        Optional<String> origin = headers.first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !allowedOrigins.contains(origin.get())) {
            throw new WsUpgradeException("origin not allowed");
        }
        claims = token(headers).flatMap(this::verify).orElse(null);
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession ws) {
        if (claims == null || registry.isRevoked(claims)) {
            CloseCode close = ErrorCode.UNAUTHENTICATED.closeCode();
            meters.sessionClosed(close.code());
            ws.close(close.code(), "unauthenticated");
            return;
        }
        meters.sessionOpened();
        session = new ClientSession(new WsTransport(ws), claims, config.sendQueueLimit(), config.framesPerSecond(), config.frameBurst(), meters);
        try {
            registry.add(session);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot bind user at the broker: {0}", e.getMessage());
            session.close(CloseCode.TRY_AGAIN_LATER, "try again later");
            session = null;
            return;
        }
        session.send(frames.encode(new ServerFrame.Welcome(config.nodeId(), session.id(), config.heartbeat().toSeconds(),
                claims.userId(), claims.username())));
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        if (session == null) {
            return;
        }
        session.heard();
        if (partial.length() + text.length() > config.maxFrameBytes()) {
            partial.setLength(0);
            session.close(ErrorCode.PAYLOAD_TOO_LARGE.closeCode(), "frame too big");
            return;
        }
        if (!last) {
            partial.append(text);
            return;
        }
        String whole = text;
        if (!partial.isEmpty()) {
            whole = partial.append(text).toString();
            partial.setLength(0);
        }
        if (whole.indexOf(NOT_UTF_8) >= 0) {
            // Helidon decodes text frames leniently, turning bytes that are not UTF-8 into U+FFFD; a
            // client that means U+FFFD escapes it in its JSON ("\ufffd"), as the web client does
            session.close(CloseCode.INVALID_PAYLOAD, "text frame is not valid UTF-8");
            return;
        }
        Peeked frame = codec.peek(whole);
        if (!session.allowFrame()) {
            session.send(error(frame.id(), ErrorCode.RATE_LIMITED, "Too many frames; slow down."));
            return;
        }
        switch (frame) {
            case ClientFrame.Ping p -> session.send(frames.encode(new ServerFrame.Pong(p.id())));
            case Peeked.ForApi f -> forward(f, whole);
            case ClientFrame.Refused r -> session.send(error(r.id(), r.code(), r.detail()));
        }
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        if (session != null) {
            session.heard();
            session.send(error("", ErrorCode.UNSUPPORTED_FRAME, "Binary frames are not accepted; send JSON text."));
        }
    }

    @Override
    public void onPong(WsSession ws, BufferData buffer) {
        if (session != null) {
            session.heard();
        }
    }

    @Override
    public void onPing(WsSession ws, BufferData buffer) {
        if (session != null) {
            session.heard();
        }
        if (buffer.available() > 125) {
            // control frames carry at most 125 bytes (RFC 6455, 5.5); echoing it would fail in the writer
            if (session != null) {
                session.close(CloseCode.PROTOCOL_ERROR, "control frame too long");
            } else {
                ws.close(CloseCode.PROTOCOL_ERROR.code(), "control frame too long");
            }
            return;
        }
        ws.pong(buffer);
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        if (session != null && !session.isClosed()) {
            meters.sessionClosed(status); // closed by the client (ours are counted where we close)
        }
        release();
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        LOG.log(Level.FINE, "websocket error", t);
        release();
    }

    /**
     * Hands a frame to api as it came (api parses and validates it again) with the socket's
     * identity beside it; api's answer, an {@code ack} or {@code error} frame, is written back as
     * it is. Typing and receipts are answered only when refused.
     */
    private void forward(Peeked.ForApi f, String text) {
        ClientSession s = session;
        String trace = RequestId.fresh();
        if (f.type() == FrameType.CALL_INVITE || f.type() == FrameType.CALL_ANSWER || f.type() == FrameType.HUDDLE_JOIN) {
            s.joinedCall();
        }
        inLane(() -> RequestId.with(trace, () -> {
            LOG.log(Level.FINE, "{0} frame from session {1} handed to api", new Object[] {f.type().wireName(), s.id()});
            String answer;
            try {
                answer = api.frame(claims.userId(), s.id(), trace, text);
            } catch (ApiUnavailableException | IllegalStateException e) {
                LOG.log(Level.WARNING, "hand-off failed: {0}", e.getMessage());
                answer = error(f.id(), ErrorCode.SERVICE_UNAVAILABLE, "The service is briefly unavailable; retry.");
            }
            if (answer != null) {
                s.send(answer);
            }
        }));
    }

    private void inLane(Runnable work) {
        synchronized (lane) {
            lane.add(work);
            if (laneRunning) {
                return;
            }
            laneRunning = true;
        }
        Thread.ofVirtual().name("ws-handoff").start(() -> {
            while (true) {
                Runnable next;
                synchronized (lane) {
                    next = lane.poll();
                    if (next == null) {
                        laneRunning = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "hand-off failed", e);
                }
            }
        });
    }

    private void release() {
        ClientSession s = session;
        if (s != null) {
            s.closed();
            registry.remove(s);
            session = null;
            if (s.inCall()) {
                sessionClosed(s);
            }
        }
    }

    /**
     * A socket that was in a call or a huddle closed: api ends that device's part (its person may
     * stay online on others). In the socket's lane, after every frame of it still being handed off,
     * so a join on its way cannot land after the leave.
     */
    private void sessionClosed(ClientSession s) {
        UUID user = claims.userId();
        inLane(() -> {
            try {
                api.sessionClosed(user, s.id());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "api did not hear that session {0} closed: {1}", new Object[] {s.id(), e.getMessage()});
            }
        });
    }

    private String error(String id, ErrorCode code, String detail) {
        meters.errorFrame(code.code());
        return frames.encode(new ServerFrame.Error(id, code, detail));
    }

    private Optional<AccessClaims> verify(String token) {
        try {
            return Optional.of(tokens.verify(token));
        } catch (InvalidTokenException e) {
            return Optional.empty();
        }
    }

    /** The bearer header if present, else the access cookie. */
    static Optional<String> token(Headers headers) {
        Optional<String> bearer = headers.first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
        if (bearer.isPresent()) {
            return bearer;
        }
        java.util.List<String> cookieHeaders = headers.contains(HeaderNames.COOKIE)
                ? headers.get(HeaderNames.COOKIE).allValues() : java.util.List.of();
        for (String cookieHeader : cookieHeaders) {
            for (String pair : cookieHeader.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(ACCESS_COOKIE)) {
                    return Optional.of(pair.substring(eq + 1).strip());
                }
            }
        }
        return Optional.empty();
    }
}
