package dev.chat.handoff;

import dev.chat.tokens.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The internal contract between ws-node and api, in one place.
 *
 * <ul>
 *   <li>{@code POST /internal/frames}: body = a {@link FrameBatch} of client frames as they came,
 *       each with the authenticated identity of its socket (user, session) and a request id;
 *       header = the node's key. Response {@code 200}: one answer per frame, in order: the frame to
 *       write back to that socket ({@code ack} or {@code error}, with the client's frame id), or
 *       none.</li>
 *   <li>{@code POST /internal/presence}: body {@code {"user","state"}}: a user's first session on a
 *       node arrived or the last one left. Response {@code 204}.</li>
 *   <li>{@code POST /internal/session-closed}: body {@code {"user","session"}}: a socket that took
 *       part in a call or a huddle (it sent {@code call.invite}, {@code call.answer} or
 *       {@code huddle.join}) closed: what that device was in is over for it, though its person may
 *       be online elsewhere. Response {@code 204}.</li>
 * </ul>
 * Identity comes only from the node (which verified the access token); api never reads it from the
 * frame. The node key proves the caller is a node of this deployment: both sides derive it from
 * the token secret they already share. Thread-safe.
 */
public final class Handoff {
    public static final String FRAMES_PATH = "/internal/frames";
    public static final String PRESENCE_PATH = "/internal/presence";
    public static final String SESSION_CLOSED_PATH = "/internal/session-closed";
    /** The user a presence call is about. */
    public static final String USER = "X-Chat-User";
    /** Proves the caller is a ws-node of this deployment: see {@link #nodeKey}. */
    public static final String NODE_KEY = "X-Chat-Node-Key";

    private Handoff() {
    }

    /** The key nodes present to api: an HMAC of a fixed label under the shared token secret. */
    public static String nodeKey(Secret tokenSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tokenSecret.value().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] key = mac.doFinal("chat internal frame hand-off v1".getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Compares a presented key with the expected one in constant time. */
    public static boolean keyMatches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }
}
