package dev.chat.api.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.accounts.Authenticator;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.protocol.ErrorCode;
import dev.chat.tokens.AccessClaims;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;

/**
 * Web Push under {@code /api/push} (docs/PROTOCOL.md, "Web Push"): the stack's VAPID public key,
 * a device's subscription (put when the person turns notifications on, deleted when they turn them
 * off or log out), and whether pushes show the message's words.
 */
public final class PushService implements HttpService {
    private final Db db;
    private final PushStore store;
    private final Vapid vapid;
    private final PushSettings settings;
    private final Authenticator auth;
    private final Json json;

    /** {@code vapid} null: Web Push is off, and its routes say so. */
    public PushService(Db db, PushStore store, Vapid vapid, PushSettings settings, Authenticator auth, Json json) {
        this.db = db;
        this.store = store;
        this.vapid = vapid;
        this.settings = settings;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/push/key", this::key)
                .put("/push/subscriptions", this::subscribe)
                .delete("/push/subscriptions", this::unsubscribe)
                .get("/push/settings", this::settings)
                .put("/push/settings", this::changeSettings);
    }

    private void key(ServerRequest req, ServerResponse res) {
        json.ok(res, json.object().put("publicKey", on().publicKeyText()));
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        on();
        JsonBody body = json.body(req);
        String endpoint = endpoint(body.string("endpoint", 12, 2048), settings).toString();
        JsonNode keys = body.node().get("keys");
        if (!(keys instanceof ObjectNode k)) {
            throw ChatException.validation("'keys' must be an object with 'p256dh' and 'auth', as PushSubscription.toJSON() gives.");
        }
        JsonBody keyFields = new JsonBody(k);
        byte[] p256dh = base64Url(keyFields.string("p256dh", 80, 100), "keys.p256dh");
        byte[] secret = base64Url(keyFields.string("auth", 16, 32), "keys.auth");
        try {
            P256.publicKey(p256dh);
        } catch (IllegalArgumentException e) {
            throw ChatException.validation("'keys.p256dh' must be a P-256 public key (65 bytes, uncompressed): " + e.getMessage() + ".");
        }
        if (secret.length != 16) {
            throw ChatException.validation("'keys.auth' must be 16 bytes in base64url.");
        }
        db.inTransaction(tx -> {
            store.upsert(tx, me.userId(), me.session(), endpoint, p256dh, secret);
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void unsubscribe(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String endpoint = json.body(req).string("endpoint", 1, 2048);
        db.inTransaction(tx -> {
            store.delete(tx, me.userId(), endpoint);
            return null;
        });
        res.status(Status.NO_CONTENT_204).send(); // gone either way: deleting twice is not an error
    }

    private void settings(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        boolean previews = db.inTransaction(tx -> store.previews(tx, me.userId()))
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No such user."));
        json.ok(res, json.object().put("previews", previews).put("available", vapid != null));
    }

    private void changeSettings(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        Boolean previews = json.body(req).optionalBoolean("previews");
        if (previews == null) {
            throw ChatException.validation("'previews' (true or false) is required.");
        }
        db.inTransaction(tx -> {
            store.setPreviews(tx, me.userId(), previews);
            return null;
        });
        json.ok(res, json.object().put("previews", previews).put("available", vapid != null));
    }

    private Vapid on() {
        if (vapid == null) {
            throw new ChatException(ErrorCode.NOT_FOUND, "Web Push is not configured on this server (chat.push.vapid.key).");
        }
        return vapid;
    }

    /**
     * A push service's endpoint as the browser gave it: an absolute https URL with no user part,
     * on a host of one of the push services the settings name (api posts to whatever it names: a
     * host name of the stack's own network, or one that resolves there, must never be reached);
     * an IP address or localhost never. With {@code loopback}, plain http to 127.0.0.1 or
     * localhost is allowed, for the test suite's push service.
     */
    static URI endpoint(String text, PushSettings settings) {
        boolean loopback = settings.loopback();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ChatException.validation("'endpoint' is not a URL.");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean local = host.equals("localhost") || host.equals("127.0.0.1");
        if (loopback && local && "http".equals(uri.getScheme())) {
            return uri;
        }
        if (!"https".equals(uri.getScheme()) || host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw ChatException.validation("'endpoint' must be an https URL with a host, no user and no fragment.");
        }
        if (local && !loopback || isAddress(host) && !(loopback && local)) {
            throw ChatException.validation("'endpoint' must name its push service by a host name, not an address or localhost.");
        }
        if (!settings.allows(host)) {
            throw ChatException.validation("'endpoint' must be on a push service this server sends to (" + settings.services()
                    + "), not " + host + ".");
        }
        return uri;
    }

    private static boolean isAddress(String host) {
        if (host.startsWith("[") || host.matches("[0-9.]+")) {
            return true;
        }
        try {
            return InetAddress.ofLiteral(host) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] base64Url(String text, String field) {
        try {
            return Base64.getUrlDecoder().decode(text.replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw ChatException.validation("'" + field + "' must be base64url.");
        }
    }
}
