package dev.chat.api.calls;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.http.Json;
import dev.chat.tokens.AccessClaims;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;

/**
 * Calls under {@code /api/calls} (docs/PROTOCOL.md, "Calls"): the STUN/TURN servers and a signed-in
 * person's short-lived TURN credentials. The signalling itself goes over the socket ({@link Calls}).
 */
public final class CallService implements HttpService {
    private final IceServers iceServers;
    private final Authenticator auth;
    private final Json json;

    public CallService(IceServers iceServers, Authenticator auth, Json json) {
        this.iceServers = iceServers;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/calls/ice-servers", this::iceServers);
    }

    private void iceServers(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, iceServers.forUser(json, me.userId(), Instant.now()));
    }
}
