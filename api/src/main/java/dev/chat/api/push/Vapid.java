package dev.chat.api.push;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The stack's VAPID identity (RFC 8292): a P-256 key pair whose private scalar is kept like the
 * other secrets ({@code chat.push.vapid.key}, 32 bytes in hex, generated once per stack by
 * {@code ./chat}), and the signed JWT that tells a push service which application server sends.
 * Browsers subscribe with {@link #publicKey()}; push services check every request's signature
 * against it. Thread-safe.
 */
public final class Vapid {
    /** How long a token is valid; RFC 8292 allows at most 24 hours. */
    static final Duration TOKEN_TTL = Duration.ofHours(12);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ECPrivateKey privateKey;
    private final byte[] publicKey;
    private final String subject;

    /** From the private scalar in hex; {@code subject} is a {@code mailto:} or {@code https:} contact. */
    public Vapid(String privateHex, String subject) {
        BigInteger d;
        try {
            d = new BigInteger(1, HexFormat.of().parseHex(privateHex.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chat.push.vapid.key must be 32 bytes in hex");
        }
        if (privateHex.strip().length() != 64) {
            throw new IllegalArgumentException("chat.push.vapid.key must be 32 bytes in hex");
        }
        // 32 random bytes lie below the curve's order but for odds of 2^-32; reduce rather than refuse
        d = d.mod(P256.SPEC.getOrder());
        this.privateKey = P256.privateKey(d);
        this.publicKey = P256.raw(P256.publicOf(d));
        String s = subject.toLowerCase(Locale.ROOT);
        if (!s.startsWith("mailto:") && !s.startsWith("https://")) {
            throw new IllegalArgumentException("chat.push.vapid.subject must be a mailto: or https: URL");
        }
        this.subject = subject;
    }

    /** The public key, raw (65 bytes): what {@code pushManager.subscribe} takes as {@code applicationServerKey}. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public key as base64url, without padding. */
    public String publicKeyText() {
        return B64.encodeToString(publicKey);
    }

    /** The {@code Authorization} header for a request to {@code endpoint}: {@code vapid t=<JWT>, k=<key>}. */
    String authorization(URI endpoint, Instant now) {
        return "vapid t=" + token(audience(endpoint), now.plus(TOKEN_TTL)) + ", k=" + publicKeyText();
    }

    /** The push service's origin, the token's audience: scheme, host and any explicit port. */
    static String audience(URI endpoint) {
        String origin = endpoint.getScheme().toLowerCase(Locale.ROOT) + "://" + endpoint.getHost().toLowerCase(Locale.ROOT);
        return endpoint.getPort() == -1 ? origin : origin + ":" + endpoint.getPort();
    }

    /** An ES256 JWT with {@code aud}, {@code exp} and {@code sub}. */
    String token(String audience, Instant expires) {
        String header = B64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = B64.encodeToString(("{\"aud\":\"" + jsonSafe(audience) + "\",\"exp\":" + expires.getEpochSecond()
                + ",\"sub\":\"" + jsonSafe(subject) + "\"}").getBytes(StandardCharsets.UTF_8));
        String signingInput = header + "." + claims;
        try {
            // JWS wants the raw r || s (64 bytes), which the JDK's P1363 format gives instead of DER
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initSign(privateKey);
            ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(ecdsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing the VAPID token failed", e);
        }
    }

    private static String jsonSafe(String s) {
        if (s.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20)) {
            throw new IllegalArgumentException("not allowed in a VAPID claim: " + s);
        }
        return s;
    }
}
