package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.handoff.Handoff;
import dev.chat.telemetry.RequestId;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.UUID;

/**
 * api's internal listener, for ws-nodes only (see {@link Handoff}): it is bound to its own port,
 * which nginx never routes to, and every call must carry the node key. A frame's answer is the
 * response body, the exact frame the node writes back to the client's socket.
 */
final class InternalService implements HttpService {
    /** A client frame is at most 64 KiB (the node refuses bigger ones); a little room for the rest. */
    private static final int MAX_FRAME_BYTES = 80 * 1024;

    private final String nodeKey;
    private final FrameHandler frames;
    private final PresenceService presence;
    private final Json json;

    InternalService(String nodeKey, FrameHandler frames, PresenceService presence, Json json) {
        this.nodeKey = nodeKey;
        this.frames = frames;
        this.presence = presence;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(Handoff.FRAMES_PATH, this::frame)
                .post(Handoff.PRESENCE_PATH, this::presence)
                .any((req, res) -> res.status(Status.NOT_FOUND_404).send());
    }

    private void frame(ServerRequest req, ServerResponse res) {
        UUID user = caller(req, res);
        if (user == null) {
            return;
        }
        byte[] body = req.content().as(byte[].class);
        if (body.length > MAX_FRAME_BYTES) {
            res.status(Status.REQUEST_ENTITY_TOO_LARGE_413).send();
            return;
        }
        String trace = RequestId.accept(req.headers().first(Main.REQUEST_ID).orElse(null));
        String answer = RequestId.with(trace, () -> frames.handle(user, new String(body, java.nio.charset.StandardCharsets.UTF_8)));
        if (answer == null) {
            res.status(Status.NO_CONTENT_204).send();
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(answer);
        }
    }

    private void presence(ServerRequest req, ServerResponse res) {
        if (caller(req, res) == null) {
            return;
        }
        JsonNode body = parse(req.content().as(String.class));
        String state = body == null ? "" : body.path("state").asText("");
        UUID user;
        try {
            user = UUID.fromString(body == null ? "" : body.path("user").asText(""));
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400).send();
            return;
        }
        if (!state.equals("online") && !state.equals("offline")) {
            res.status(Status.BAD_REQUEST_400).send();
            return;
        }
        presence.announce(user, state);
        res.status(Status.NO_CONTENT_204).send();
    }

    private JsonNode parse(String text) {
        try {
            return text.isEmpty() ? null : json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The user the node vouches for, or null (and 401/400 sent) when the call is not a node's. */
    private UUID caller(ServerRequest req, ServerResponse res) {
        if (!Handoff.keyMatches(nodeKey, req.headers().first(HeaderNames.create(Handoff.NODE_KEY)).orElse(null))) {
            res.status(Status.UNAUTHORIZED_401).send();
            return null;
        }
        try {
            return UUID.fromString(req.headers().first(HeaderNames.create(Handoff.USER)).orElse(""));
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400).send();
            return null;
        }
    }
}
