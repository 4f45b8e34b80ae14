package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.api.calls.IceServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TURN credentials api hands out work on the real coturn that ./chat test started, and nothing
 * else does: a TURN Allocate with them gets a relay; with a wrong password, or a correctly signed
 * but expired username, coturn answers 401. Only a signed-in person gets credentials.
 */
@ExtendWith(ChatServers.class)
class TurnIT {
    @Test
    void anonymousCallersGetNoCredentials(ChatServers.Stack stack) {
        TestClient.Response r = TestClient.request(stack.apiUrl(), "GET", "/api/calls/ice-servers", null, null);
        assertEquals(401, r.status());
        assertEquals("unauthenticated", r.body().path("code").asText());
        assertFalse(r.raw().contains("credential"), r.raw());
    }

    @Test
    void handedOutCredentialsAllocateARelayAndWrongOrExpiredOnesDoNot(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        long before = System.currentTimeMillis() / 1000;
        TestClient.Response r = ana.get("/api/calls/ice-servers");
        assertEquals(200, r.status(), r.raw());
        List<String> stun = new ArrayList<>();
        JsonNode turn = null;
        for (JsonNode server : r.body().path("iceServers")) {
            String first = server.path("urls").path(0).asText();
            if (first.startsWith("stun:")) {
                stun.add(first);
            } else if (first.startsWith("turn:")) {
                turn = server;
            }
        }
        assertEquals(1, stun.size(), r.raw());
        assertNotNull(turn, "a TURN server with credentials: " + r.raw());
        String username = turn.path("username").asText();
        String password = turn.path("credential").asText();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertEquals(ana.id.toString(), username.substring(username.indexOf(':') + 1));
        assertTrue(expiry >= before + 3500 && expiry <= before + 3700, "about an hour from now: " + username);
        assertEquals(3600, r.body().path("ttlSeconds").asLong());
        assertTrue(turn.path("urls").toString().contains("?transport=tcp"), turn.toString());
        URI url = URI.create(turn.path("urls").path(0).asText().replace("turn:", "turn://"));
        InetSocketAddress coturn = new InetSocketAddress(url.getHost(), url.getPort());

        StunClient.Answer ok = StunClient.allocate(coturn, username, password);
        assertTrue(ok.allocated(), "allocated with the handed-out credentials: " + ok);
        assertEquals("127.0.0.1", ok.relayed().getHostString());

        String wrong = password.substring(1) + (password.charAt(0) == 'A' ? 'B' : 'A');
        StunClient.Answer refused = StunClient.allocate(coturn, username, wrong);
        assertEquals(StunClient.ALLOCATE_ERROR, refused.type(), refused.toString());
        assertEquals(401, refused.errorCode());

        // signed with the right secret, but its time is up: coturn itself checks the expiry
        String secret = System.getProperty("chat.it.turn.secret");
        String expired = (before - 60) + ":" + ana.id;
        StunClient.Answer late = StunClient.allocate(coturn, expired, IceServers.password(secret, expired));
        assertEquals(401, late.errorCode(), late.toString());
        String fresh = (before + 600) + ":" + ana.id;
        assertTrue(StunClient.allocate(coturn, fresh, IceServers.password(secret, fresh)).allocated(),
                "the same secret with a time still to come works: the expiry is what refused the one before");
    }
}
