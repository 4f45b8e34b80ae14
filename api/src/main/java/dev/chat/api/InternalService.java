package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.api.accounts.PresenceService;
import dev.chat.api.calls.Departures;
import dev.chat.api.http.Json;
import dev.chat.api.messaging.FrameHandler;
import dev.chat.handoff.FrameBatch;
import dev.chat.handoff.Handoff;
import dev.chat.telemetry.RequestId;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * api's internal listener, for ws-nodes only (see {@link Handoff}): it is bound to its own port,
 * which nginx never routes to, and every call must carry the node key. A node hands off frames in
 * batches ({@link FrameBatch}); each frame's answer is the exact frame the node writes back to the
 * client's socket.
 */
final class InternalService implements HttpService {
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    private final String nodeKey;
    private final FrameHandler frames;
    private final PresenceService presence;
    private final Json json;
    private final Departures departures;
    private final dev.chat.api.http.ApiMeters meters;

    InternalService(String nodeKey, FrameHandler frames, PresenceService presence, Json json, Departures departures,
                    dev.chat.api.http.ApiMeters meters) {
        this.departures = departures;
        this.meters = meters;
        this.nodeKey = nodeKey;
        this.frames = frames;
        this.presence = presence;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(Handoff.FRAMES_PATH, this::frame)
                .post(Handoff.PRESENCE_PATH, this::presence)
                .post(Handoff.SESSION_CLOSED_PATH, this::sessionClosed)
                .any((req, res) -> res.status(Status.NOT_FOUND_404).send());
    }

    /**
     * A batch of frames from one node: each is handled on a virtual thread of its own (so the sends
     * among them meet in the same write batch), and the answers go back in order.
     */
    private void frame(ServerRequest req, ServerResponse res) {
        if (!fromNode(req, res)) {
            return;
        }
        List<FrameBatch.Item> items;
        try {
            items = FrameBatch.decode(req.content().as(byte[].class));
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400).send();
            return;
        }
        meters.framesHandedOff(items.size());
        List<String> answers = new ArrayList<>(items.size());
        if (items.size() == 1) {
            answers.add(handle(items.getFirst()));
        } else {
            List<Future<String>> running = new ArrayList<>(items.size());
            for (FrameBatch.Item item : items) {
                running.add(workers.submit(() -> handle(item)));
            }
            for (Future<String> f : running) {
                try {
                    answers.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    res.status(Status.SERVICE_UNAVAILABLE_503).send();
                    return;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a frame's handling failed", e.getCause());
                }
            }
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.send(FrameBatch.encodeAnswers(answers));
    }

    private String handle(FrameBatch.Item item) {
        return RequestId.with(RequestId.accept(item.trace()),
                () -> frames.handle(item.user(), item.session(), new String(item.frame(), StandardCharsets.UTF_8)));
    }

    private void presence(ServerRequest req, ServerResponse res) {
        if (!fromNode(req, res)) {
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
        if (state.equals("offline")) {
            try {
                departures.offline(user); // no device of theirs is left: a call or huddle they were in is over for them
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(InternalService.class.getName())
                        .log(java.util.logging.Level.WARNING, "the calls and huddles of a user gone offline were not left", e);
            }
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /** A socket that was in a call or a huddle closed: what that device was in is over for it. */
    private void sessionClosed(ServerRequest req, ServerResponse res) {
        if (!fromNode(req, res)) {
            return;
        }
        JsonNode body = parse(req.content().as(String.class));
        UUID user;
        UUID session;
        try {
            user = UUID.fromString(body == null ? "" : body.path("user").asText(""));
            session = UUID.fromString(body.path("session").asText(""));
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400).send();
            return;
        }
        departures.sessionClosed(user, session);
        res.status(Status.NO_CONTENT_204).send();
    }

    private JsonNode parse(String text) {
        try {
            return text.isEmpty() ? null : json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Whether the call is a node's (else 401 was sent). */
    private boolean fromNode(ServerRequest req, ServerResponse res) {
        if (!Handoff.keyMatches(nodeKey, req.headers().first(HeaderNames.create(Handoff.NODE_KEY)).orElse(null))) {
            res.status(Status.UNAUTHORIZED_401).send();
            return false;
        }
        return true;
    }
}
