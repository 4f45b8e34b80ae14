package dev.chat.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Issues and verifies short-lived access tokens (JWT, HS256, via nimbus-jose-jwt).
 *
 * <p>api issues them at login and refresh; ws-node and api verify them locally with the shared
 * secret, so authorising a WebSocket upgrade needs no database. Tokens carry the user id, the
 * username and the role; they are never put in URLs and never logged.
 *
 * <p>Thread-safe: signer and verifier are immutable after construction.
 */
public final class AccessTokens {
    /** The shortest secret accepted: HS256 needs at least 256 bits of key. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final String ISSUER = "chat-api";
    private static final String AUDIENCE = "chat";
    private static final String ISSUED_AT_MS = "iat_ms";
    private static final String SESSION = "sid";

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration ttl;
    private final Clock clock;

    public AccessTokens(Secret secret, Duration ttl, Clock clock) {
        byte[] key = secret.value().getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("token secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("token ttl must be positive");
        }
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token secret", e);
        }
        this.ttl = ttl;
        this.clock = clock;
    }

    public AccessTokens(Secret secret, Duration ttl) {
        this(secret, ttl, Clock.systemUTC());
    }

    public Duration ttl() {
        return ttl;
    }

    /** A signed token for this user, valid for {@link #ttl()} from now, of no session. */
    public String issue(UUID userId, String username, String role) {
        return issue(userId, username, role, null);
    }

    /**
     * A signed token for this user and session (the login's refresh-token family, {@code sid}),
     * valid for {@link #ttl()} from now. Besides {@code iat} (whole seconds, as JWT has it) it
     * carries {@code iat_ms}, the issue time in milliseconds, so that a token issued in the same
     * second as, but after, a revocation of the user's sessions is not taken for an older one.
     */
    public String issue(UUID userId, String username, String role, UUID session) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(userId.toString())
                .claim("usr", username)
                .claim("role", role)
                .issueTime(Date.from(now))
                .claim(ISSUED_AT_MS, now.toEpochMilli())
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (session != null) {
            builder.claim(SESSION, session.toString());
        }
        JWTClaimsSet claims = builder.build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign access token", e);
        }
        return jwt.serialize();
    }

    /**
     * Verifies signature, algorithm, issuer, audience and expiry.
     *
     * @throws InvalidTokenException with a reason safe to log (never the token itself)
     */
    public AccessClaims verify(String token) {
        if (token == null || token.isBlank() || token.length() > 4096) {
            throw new InvalidTokenException("missing or oversized token");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException("unexpected algorithm");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("bad signature");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().contains(AUDIENCE)) {
                throw new InvalidTokenException("wrong issuer or audience");
            }
            Date exp = claims.getExpirationTime();
            if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
                throw new InvalidTokenException("expired");
            }
            String username = claims.getStringClaim("usr");
            String role = claims.getStringClaim("role");
            Date iat = claims.getIssueTime();
            if (username == null || role == null || claims.getSubject() == null || iat == null) {
                throw new InvalidTokenException("incomplete claims");
            }
            Long iatMs = claims.getLongClaim(ISSUED_AT_MS);
            Instant issued = iat.toInstant();
            if (iatMs != null) {
                // the precise time must lie in the second iat names; otherwise the token is not ours
                if (iatMs / 1000 != issued.getEpochSecond()) {
                    throw new InvalidTokenException("inconsistent issue time");
                }
                issued = Instant.ofEpochMilli(iatMs);
            }
            String sid = claims.getStringClaim(SESSION);
            return new AccessClaims(UUID.fromString(claims.getSubject()), username, role, issued, exp.toInstant(),
                    sid == null ? null : UUID.fromString(sid));
        } catch (JOSEException | ParseException | IllegalArgumentException e) {
            throw new InvalidTokenException("unverifiable token", e);
        }
    }
}
