package dev.chat.api.calls;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.http.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The STUN and TURN servers a browser gives its peer connection, with TURN credentials in coturn's
 * shared-secret ("TURN REST API") scheme: the username is {@code <expiry, Unix seconds>:<user id>},
 * the password {@code base64(HMAC-SHA1(secret, username))}. coturn checks the signature and the
 * expiry itself, so api stores nothing, and a leaked credential dies with its expiry. Never a static
 * password. Thread-safe (immutable).
 */
public final class IceServers {
    private final CallSettings settings;

    public IceServers(CallSettings settings) {
        this.settings = settings;
    }

    /** The answer of {@code GET /api/calls/ice-servers} for {@code user} at {@code now}: RTCConfiguration's {@code iceServers}. */
    public ObjectNode forUser(Json json, UUID user, Instant now) {
        ObjectNode out = json.object();
        ArrayNode servers = out.putArray("iceServers");
        Instant expires = now.plus(settings.credentialTtl());
        String username = expires.getEpochSecond() + ":" + user;
        for (String server : settings.turnServers()) {
            servers.addObject().putArray("urls").add("stun:" + server);
            if (!settings.turnSecret().value().isEmpty()) {
                ObjectNode turn = servers.addObject();
                turn.putArray("urls").add("turn:" + server + "?transport=udp").add("turn:" + server + "?transport=tcp");
                turn.put("username", username);
                turn.put("credential", password(settings.turnSecret().value(), username));
            }
        }
        out.put("ttlSeconds", settings.credentialTtl().toSeconds());
        out.put("expiresAt", expires.toString());
        return out;
    }

    /** coturn's password for {@code username}: base64(HMAC-SHA1(secret, username)). */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is missing from this JVM", e);
        }
    }
}
