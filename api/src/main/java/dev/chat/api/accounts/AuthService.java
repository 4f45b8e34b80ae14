package dev.chat.api.accounts;

import dev.chat.api.RateLimits;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.ClientAddress;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.tokens.AccessTokens;
import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Sign-up, login, refresh and logout under {@code /api/auth}, and {@code /api/me}.
 *
 * <p>Two kinds of clients: the browser gets HttpOnly, Secure, SameSite=Strict cookies and never
 * sees a token; API clients ask for {@code "session":"bearer"} and get the tokens in the body.
 * Access tokens are short-lived JWTs that ws-node verifies without a database; refresh tokens are
 * opaque, stored only as SHA-256 hashes, rotated on every use. A login starts a family of refresh
 * tokens; a spent token presented again after {@value #REUSE_GRACE_SECONDS} s means someone holds a
 * copy, and the whole family is revoked (the thief and the victim both log in again). Within those
 * seconds it is another tab of the same browser that lost the race: 401, nothing revoked.
 *
 * <p>Every access token names its session (the family, claim {@code sid}). Logging out, or a
 * family revoked for reuse, ends the session: its refresh tokens are deleted, api refuses its
 * access tokens (at once here, within a second on other instances, see {@link AccountGuard}), and
 * every ws-node closes its sockets and refuses its tokens ({@code session.revoked} with
 * {@code data.session}).
 */
public final class AuthService implements HttpService {
    public static final Pattern USERNAME = Pattern.compile("[a-z0-9_.]{3,32}");
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AuthService.class.getName());
    private static final Duration REFRESH_TTL = Duration.ofDays(30);
    static final int REUSE_GRACE_SECONDS = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final Outbox outbox;
    private final UserStore users;
    private final AccessTokens tokens;
    private final Authenticator auth;
    private final Json json;
    private final boolean secureCookies;
    private final RateLimiter limiter;
    private final RateLimits limits;

    public AuthService(Db db, Outbox outbox, UserStore users, AccessTokens tokens, Authenticator auth, Json json,
                       boolean secureCookies, RateLimiter limiter, RateLimits limits) {
        this.outbox = outbox;
        this.limiter = limiter;
        this.limits = limits;
        this.db = db;
        this.users = users;
        this.tokens = tokens;
        this.auth = auth;
        this.json = json;
        this.secureCookies = secureCookies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/auth/signup", this::signup)
                .post("/auth/login", this::login)
                .post("/auth/refresh", this::refresh)
                .post("/auth/logout", this::logout);
    }

    private void signup(ServerRequest req, ServerResponse res) {
        JsonBody body = json.body(req);
        String username = body.string("username", 3, 32).toLowerCase(java.util.Locale.ROOT);
        if (!USERNAME.matcher(username).matches()) {
            throw ChatException.validation("'username' may only hold letters, digits, '_' and '.'.");
        }
        String password = password(body);
        String displayName = body.optionalString("displayName", 1, 64).orElse(username);
        boolean bearer = wantsBearer(body);
        limiter.hit(RateLimiter.Kind.SIGNUPS, ClientAddress.of(req), limits.signupsPerAddress());
        String hash = Passwords.hash(password);
        UserStore.Account account;
        try {
            account = db.inTransaction(tx -> users.insert(tx, username, displayName, hash));
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                throw new ChatException(ErrorCode.USERNAME_TAKEN, "The username '" + username + "' is taken.");
            }
            throw e;
        }
        startSession(res, Status.CREATED_201, account, bearer);
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonBody body = json.body(req);
        String username = body.string("username", 1, 64).toLowerCase(java.util.Locale.ROOT);
        String password = body.string("password", 1, 128);
        boolean bearer = wantsBearer(body);
        // per address: guessing across many accounts; per account: guessing one password from many addresses
        limiter.hit(RateLimiter.Kind.LOGINS, ClientAddress.of(req), limits.loginsPerAddress());
        limiter.check(RateLimiter.Kind.LOGIN_FAILURES, username, limits.loginFailuresPerAccount());
        Optional<UserStore.Account> account = users.byUsername(db.client().execute(), username);
        boolean ok = account.isPresent()
                ? Passwords.matches(password, account.get().passwordHash())
                : Passwords.burn(password);
        if (!ok) {
            limiter.count(RateLimiter.Kind.LOGIN_FAILURES, username, limits.loginFailuresPerAccount());
        }
        if (!ok || account.get().disabled()) {
            throw new ChatException(ErrorCode.BAD_CREDENTIALS, "The username or password is wrong.");
        }
        startSession(res, Status.OK_200, account.get(), bearer);
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        Optional<String> fromCookie = req.headers().cookies().first(Authenticator.REFRESH_COOKIE).asOptional();
        boolean bearer = fromCookie.isEmpty();
        if (bearer && req.headers().contentType().isEmpty()) {
            // a browser whose refresh cookie is gone: the session has ended
            throw new ChatException(ErrorCode.UNAUTHENTICATED, "The session has ended; log in again.");
        }
        String presented = fromCookie.orElseGet(() -> json.body(req).string("refreshToken", 1, 200));
        byte[] hash = sha256(presented);
        String successor = newRefreshToken();
        // spending the token and storing its successor commit together, or neither does
        java.util.concurrent.atomic.AtomicReference<UUID> family = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<UUID> ended = new java.util.concurrent.atomic.AtomicReference<>();
        Optional<UserStore.Account> renewed = outbox.inTransaction(t -> {
            var tx = t.db();
            Optional<UserStore.Presented> p = users.spendRefreshToken(tx, hash, REUSE_GRACE_SECONDS);
            if (p.isPresent() && p.get().use() == UserStore.Use.REUSED) {
                endSession(t, p.get().userId(), p.get().family());
                ended.set(p.get().userId());
                LOG.warning(() -> "a spent refresh token was presented again for user " + p.get().userId()
                        + ": that session is revoked on every device that shared it");
            }
            Optional<UserStore.Account> account = p.filter(x -> x.use() == UserStore.Use.FRESH)
                    .flatMap(x -> users.byId(tx, x.userId()))
                    .filter(a -> !a.disabled());
            account.ifPresent(a -> users.insertRefreshToken(tx, sha256(successor), a.id(), p.get().family(),
                    Instant.now().plus(REFRESH_TTL)));
            account.ifPresent(a -> family.set(p.get().family()));
            return account;
        });
        if (ended.get() != null) {
            auth.guard().forget(ended.get());
        }
        if (renewed.isPresent()) {
            sendSession(res, Status.OK_200, renewed.get(), bearer, successor, family.get());
            return;
        }
        throw new ChatException(ErrorCode.UNAUTHENTICATED, "The session has ended; log in again.");
    }

    /**
     * Ends the caller's session, whichever way it is named: the refresh cookie (browsers), a
     * {@code refreshToken} in a JSON body (bearer clients; works after the access token expired),
     * or the access token (cookie or {@code Authorization: Bearer}). Every one of them given is
     * ended. An unknown or already ended session is no error (204); a bearer header that is
     * invalid or expired, with no refresh token to go by, is {@code 401}.
     */
    private void logout(ServerRequest req, ServerResponse res) {
        java.util.List<String> refreshTokens = new java.util.ArrayList<>();
        req.headers().cookies().first(Authenticator.REFRESH_COOKIE).asOptional().ifPresent(refreshTokens::add);
        // a body is optional (browsers send none; some clients send an empty one with a JSON type)
        if (req.headers().contentType().isPresent() && req.content().hasEntity()
                && req.headers().contentLength().orElse(1) > 0) {
            json.body(req).optionalString("refreshToken", 1, 200).ifPresent(refreshTokens::add);
        }
        java.util.Map<UUID, UUID> sessions = new java.util.HashMap<>(); // family -> user
        Optional<String> access = Authenticator.token(req);
        if (access.isPresent()) {
            try {
                dev.chat.tokens.AccessClaims claims = tokens.verify(access.get());
                if (claims.session() != null) {
                    sessions.put(claims.session(), claims.userId());
                }
            } catch (dev.chat.tokens.InvalidTokenException e) {
                boolean bearerHeader = req.headers().first(HeaderNames.AUTHORIZATION).isPresent();
                if (bearerHeader && refreshTokens.isEmpty()) {
                    throw new ChatException(ErrorCode.UNAUTHENTICATED, "The access token is invalid or expired: "
                            + "to log out, send the refresh token as {\"refreshToken\": \"…\"}.");
                }
            }
        }
        if (!sessions.isEmpty() || !refreshTokens.isEmpty()) {
            outbox.inTransaction(t -> {
                for (String r : refreshTokens) {
                    users.familyOf(t.db(), sha256(r)).ifPresent(f -> sessions.put(f.family(), f.userId()));
                }
                sessions.forEach((family, user) -> endSession(t, user, family));
                return null;
            });
        }
        sessions.values().forEach(auth.guard()::forget);
        res.headers().addCookie(expired(Authenticator.ACCESS_COOKIE, "/"));
        res.headers().addCookie(expired(Authenticator.REFRESH_COOKIE, "/api/auth"));
        res.status(Status.NO_CONTENT_204).send();
    }

    /**
     * Ends one session (a family of refresh tokens): its refresh tokens go, its access tokens are
     * refused by api until they would have expired, and every ws-node closes its sockets.
     */
    private void endSession(Outbox.Tx t, UUID user, UUID family) {
        Instant now = Instant.now();
        users.endSession(t.db(), user, family, now.plus(tokens.ttl()));
        t.announce(Envelope.broadcast(EventType.SESSION_REVOKED, now, json.object().put("user", user.toString())
                .put("session", family.toString()).put("revokedAt", now.toString())));
    }

    /** A new session (login, sign-up): a new family of refresh tokens. */
    private void startSession(ServerResponse res, Status status, UserStore.Account account, boolean bearer) {
        String refresh = newRefreshToken();
        UUID family = UUID.randomUUID();
        db.inTransaction(tx -> {
            users.insertRefreshToken(tx, sha256(refresh), account.id(), family, Instant.now().plus(REFRESH_TTL));
            return null;
        });
        sendSession(res, status, account, bearer, refresh, family);
    }

    private void sendSession(ServerResponse res, Status status, UserStore.Account account, boolean bearer, String refresh,
                             UUID family) {
        String access = tokens.issue(account.id(), account.username(), account.role(), family);
        Instant accessExpiry = Instant.now().plus(tokens.ttl());
        if (bearer) {
            json.send(res, status, new Views.Session(account.view(), access, refresh, accessExpiry));
            return;
        }
        res.headers().addCookie(cookie(Authenticator.ACCESS_COOKIE, access, "/", tokens.ttl()));
        res.headers().addCookie(cookie(Authenticator.REFRESH_COOKIE, refresh, "/api/auth", REFRESH_TTL));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.send(res, status, new Views.Session(account.view(), null, null, accessExpiry));
    }

    private static String password(JsonBody body) {
        String raw = body.node().path("password").isTextual() ? body.node().get("password").textValue() : null;
        if (raw == null) {
            throw ChatException.validation("'password' is required and must be a string.");
        }
        int len = raw.codePointCount(0, raw.length());
        if (len < 8 || len > 128) {
            throw ChatException.validation("'password' must be 8 to 128 characters long.");
        }
        if (Passwords.isCommon(raw)) {
            throw new ChatException(ErrorCode.WEAK_PASSWORD, "This password is one of the most commonly used ones, "
                    + "which are guessed first: choose another (a few unrelated words make a strong one).");
        }
        return raw;
    }

    private static boolean wantsBearer(JsonBody body) {
        String mode = body.optionalString("session", 1, 16).orElse("cookie");
        return switch (mode) {
            case "cookie" -> false;
            case "bearer" -> true;
            default -> throw ChatException.validation("'session' must be \"cookie\" or \"bearer\".");
        };
    }

    private SetCookie cookie(String name, String value, String path, Duration maxAge) {
        return SetCookie.builder(name, value).path(path).httpOnly(true).secure(secureCookies)
                .sameSite(SetCookie.SameSite.STRICT).maxAge(maxAge).build();
    }

    private SetCookie expired(String name, String path) {
        return SetCookie.builder(name, "").path(path).httpOnly(true).secure(secureCookies)
                .sameSite(SetCookie.SameSite.STRICT).maxAge(Duration.ZERO).build();
    }

    private static String newRefreshToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
