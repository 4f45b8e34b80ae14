package dev.chat.api.accounts;

import dev.chat.api.http.ChatException;
import dev.chat.protocol.ErrorCode;
import dev.chat.tokens.AccessClaims;
import dev.chat.tokens.AccessTokens;
import dev.chat.tokens.InvalidTokenException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Who is calling: the access token from {@code Authorization: Bearer} (API clients) or from the
 * HttpOnly access cookie (the browser). Identity always comes from here, never from ids in a
 * request body.
 */
public final class Authenticator {
    public static final String ACCESS_COOKIE = "chat_access";
    public static final String REFRESH_COOKIE = "chat_refresh";

    private final AccessTokens tokens;
    private final AccountGuard guard;

    public Authenticator(AccessTokens tokens, AccountGuard guard) {
        this.tokens = tokens;
        this.guard = guard;
    }

    /**
     * The caller's verified claims, or 401: no token, an invalid or expired one, a disabled
     * account, or a session revoked after the token was issued.
     */
    public AccessClaims require(ServerRequest req) {
        AccessClaims claims = verified(req);
        guard.check(claims);
        return claims;
    }

    /** An admin's claims (the role as it is now, not as it was when the token was issued), else 401/403. */
    public AccessClaims requireAdmin(ServerRequest req) {
        AccessClaims claims = verified(req);
        if (!"admin".equals(guard.check(claims).role())) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Only admins may do this.");
        }
        return claims;
    }

    public AccountGuard guard() {
        return guard;
    }

    private AccessClaims verified(ServerRequest req) {
        String token = token(req).orElseThrow(
                () -> new ChatException(ErrorCode.UNAUTHENTICATED, "Log in first: no access token was sent."));
        try {
            return tokens.verify(token);
        } catch (InvalidTokenException e) {
            throw new ChatException(ErrorCode.UNAUTHENTICATED, "The access token is invalid or expired; refresh it.");
        }
    }

    static Optional<String> token(ServerRequest req) {
        Optional<String> bearer = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
        if (bearer.isPresent()) {
            return bearer;
        }
        return req.headers().cookies().first(ACCESS_COOKIE).asOptional();
    }
}
