package dev.chat.tokens;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTokensTest {
    private static final Secret SECRET = new Secret("0123456789abcdef0123456789abcdef-test");
    private static final UUID USER = UUID.fromString("7b4f3c4e-8a1e-4c39-9d1f-1d2c3b4a5f60");

    @Test
    void issuedTokenVerifiesWithItsClaims() {
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(15));
        AccessClaims claims = tokens.verify(tokens.issue(USER, "ana", "user"));
        assertEquals(USER, claims.userId());
        assertEquals("ana", claims.username());
        assertEquals("user", claims.role());
    }

    @Test
    void aTokenCarriesItsSessionAndItsIssueTimeToTheMillisecond() {
        Instant at = Instant.parse("2026-01-01T00:00:07.250Z");
        UUID session = UUID.fromString("0e5d1c2b-3a49-4f8e-9d7c-6b5a4f3e2d1c");
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(15), Clock.fixed(at, ZoneOffset.UTC));
        AccessClaims claims = tokens.verify(tokens.issue(USER, "ana", "user", session));
        assertEquals(session, claims.session());
        assertEquals(at, claims.issuedAt());
        assertEquals(null, tokens.verify(tokens.issue(USER, "ana", "user")).session());
    }

    /** A forced logout at .100 of a second ends the tokens issued before it, not those issued at .400 of it. */
    @Test
    void aRevocationEndsOnlyTokensIssuedUpToItsMillisecond() {
        Instant revokedAt = Instant.parse("2026-01-01T00:00:07.100Z");
        AccessClaims before = new AccessTokens(SECRET, Duration.ofMinutes(15), Clock.fixed(revokedAt.minusMillis(60), ZoneOffset.UTC))
                .verify(new AccessTokens(SECRET, Duration.ofMinutes(15), Clock.fixed(revokedAt.minusMillis(60), ZoneOffset.UTC))
                        .issue(USER, "ana", "user"));
        AccessTokens after = new AccessTokens(SECRET, Duration.ofMinutes(15), Clock.fixed(revokedAt.plusMillis(300), ZoneOffset.UTC));
        AccessClaims later = after.verify(after.issue(USER, "ana", "user"));
        assertTrue(before.revokedBy(revokedAt));
        assertTrue(new AccessClaims(USER, "ana", "user", revokedAt, revokedAt.plusSeconds(60)).revokedBy(revokedAt));
        assertFalse(later.revokedBy(revokedAt), "issued 300 ms after the revocation, in the same second");
        assertFalse(later.revokedBy(null));
    }

    @Test
    void expiredTokenIsRefused() {
        Instant issuedAt = Instant.parse("2026-01-01T00:00:00Z");
        AccessTokens past = new AccessTokens(SECRET, Duration.ofMinutes(1), Clock.fixed(issuedAt, ZoneOffset.UTC));
        String token = past.issue(USER, "ana", "user");
        AccessTokens later = new AccessTokens(SECRET, Duration.ofMinutes(1),
                Clock.fixed(issuedAt.plusSeconds(61), ZoneOffset.UTC));
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> later.verify(token));
        assertEquals("expired", e.getMessage());
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() {
        AccessTokens other = new AccessTokens(new Secret("another-secret-another-secret-another!"), Duration.ofMinutes(5));
        String forged = other.issue(USER, "ana", "admin");
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(5));
        assertThrows(InvalidTokenException.class, () -> tokens.verify(forged));
    }

    @Test
    void tamperedPayloadIsRefused() {
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(5));
        String[] parts = tokens.issue(USER, "ana", "user").split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertThrows(InvalidTokenException.class, () -> tokens.verify(tampered));
    }

    @Test
    void unsignedAlgNoneTokenIsRefused() {
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        String body = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"sub\":\"" + USER + "\",\"usr\":\"ana\",\"role\":\"admin\",\"iss\":\"chat-api\",\"aud\":\"chat\",\"exp\":9999999999}").getBytes());
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(5));
        assertThrows(InvalidTokenException.class, () -> tokens.verify(header + "." + body + "."));
    }

    @Test
    void garbageAndBlankAreRefused() {
        AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(5));
        assertThrows(InvalidTokenException.class, () -> tokens.verify("not.a.jwt"));
        assertThrows(InvalidTokenException.class, () -> tokens.verify(""));
        assertThrows(InvalidTokenException.class, () -> tokens.verify(null));
    }

    @Test
    void shortSecretIsRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new AccessTokens(new Secret("short"), Duration.ofMinutes(5)));
    }

    @Test
    void secretNeverPrintsItsValue() {
        assertTrue(SECRET.toString().contains("REDACTED"));
        assertTrue(!SECRET.toString().contains("0123"));
    }
}
