package dev.chat.api.calls;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.http.Json;
import dev.chat.tokens.AccessClaims;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Params;
import dev.chat.protocol.ErrorCode;

import java.time.Instant;
import java.util.UUID;

/**
 * Calls under {@code /api/calls} (docs/PROTOCOL.md, "Calls"): the STUN/TURN servers and a signed-in
 * person's short-lived TURN credentials; a channel's live huddle ({@link Huddles}). The signalling
 * itself goes over the socket ({@link Calls}, {@link Huddles}).
 */
public final class CallService implements HttpService {
    private final IceServers iceServers;
    private final Huddles huddles;
    private final Authenticator auth;
    private final Json json;

    public CallService(IceServers iceServers, Huddles huddles, Authenticator auth, Json json) {
        this.iceServers = iceServers;
        this.huddles = huddles;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/calls/ice-servers", this::iceServers);
        rules.get("/conversations/{id}/huddle", this::huddle);
    }

    /** The channel's live huddle, {@code {"huddle": null}} when there is none: what a client shows before any event came. */
    private void huddle(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID conversation = Params.pathId(req, "id",
                () -> new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
        ObjectNode body = json.object();
        body.set("huddle", huddles.liveIn(me.userId(), conversation));
        json.ok(res, body);
    }

    private void iceServers(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, iceServers.forUser(json, me.userId(), Instant.now()));
    }
}
