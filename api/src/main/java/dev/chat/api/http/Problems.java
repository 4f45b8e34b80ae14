package dev.chat.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that turns failures into RFC 9457 {@code application/problem+json} answers.
 *
 * <p>A {@link ChatException} keeps its code and detail. A database that cannot be reached becomes
 * 503 with {@code Retry-After} (the request changed nothing: its transaction did not commit).
 * Anything else is a bug: logged with its stack, answered 500 without internals.
 */
public final class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());
    public static final String MEDIA_TYPE = "application/problem+json";
    /** Helidon's message when a request's headers are over its limit. */
    private static final String HEADER_SIZE_EXCEEDED = "Header size exceeded";

    private final Json json;
    private final ApiMeters meters;

    public Problems(Json json, ApiMeters meters) {
        this.json = json;
        this.meters = meters;
    }

    public void register(HttpRouting.Builder routing) {
        routing.error(ChatException.class, (req, res, e) -> send(req, res, e));
        routing.error(HttpException.class, this::httpException);
        routing.error(Throwable.class, (req, res, e) -> {
            ChatException mapped = fromDatabase(e);
            if (mapped.code() == ErrorCode.INTERNAL_ERROR) {
                LOG.log(Level.SEVERE, "unhandled error on " + req.prologue().method().text() + " " + req.path().path(), e);
            } else {
                LOG.log(Level.WARNING, "{0} on {1}: {2}", new Object[]{mapped.code().code(), req.path().path(), e.toString()});
            }
            send(req, res, mapped);
        });
    }

    /**
     * Helidon's own answers (static content's 304 Not Modified, 404, 405, 413 …) keep their status
     * and headers; a 4xx gets a problem document with the matching code.
     */
    private void httpException(ServerRequest req, ServerResponse res, HttpException e) {
        int status = e.status().code();
        if (status >= 500) {
            LOG.log(Level.SEVERE, "server error on " + req.path().path(), e);
            send(req, res, new ChatException(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side."));
            return;
        }
        e.headers().forEach(res::header);
        if (status < 400) {
            res.status(e.status()).send(); // e.g. 304: the browser's cached copy is current
            return;
        }
        ErrorCode code = switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            default -> ErrorCode.VALIDATION_FAILED;
        };
        send(req, res, new ChatException(code, code == ErrorCode.VALIDATION_FAILED ? "The request is not valid." : code.title() + "."));
    }

    /**
     * Requests the server refuses before routing (a request line or headers too long, a malformed
     * request): the same problem document, so no client ever has to parse anything else.
     */
    public io.helidon.http.DirectHandler transportHandler() {
        return (request, event, given, headers, message) -> {
            // Helidon 4.1.2 refuses headers over its limit as a plain 400 with this message
            Status status = given.code() == 400 && HEADER_SIZE_EXCEEDED.equals(message)
                    ? Status.create(431, "Request Header Fields Too Large") : given;
            ErrorCode code = switch (status.code()) {
                case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
                case 414 -> ErrorCode.URI_TOO_LONG;
                case 431 -> ErrorCode.HEADERS_TOO_LARGE;
                case 403 -> ErrorCode.FORBIDDEN;
                default -> status.code() >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_FAILED;
            };
            meters.error(code);
            ObjectNode body = document(code, status.code(),
                    code == ErrorCode.VALIDATION_FAILED ? "The request is malformed." : code.title() + ".");
            headers.set(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
            headers.set(HeaderNames.CACHE_CONTROL, "no-store");
            if (!event.keepAlive()) {
                // the server closes this connection after answering: say so, or a client reuses it and loses its next request
                headers.set(io.helidon.http.HeaderValues.CONNECTION_CLOSE);
            }
            return io.helidon.http.DirectHandler.TransportResponse.builder().status(status).headers(headers)
                    .keepAlive(event.keepAlive()).entity(json.write(body)).build();
        };
    }

    /** Writes the problem document for {@code e}. */
    public void send(ServerRequest req, ServerResponse res, ChatException e) {
        if (res.isSent()) {
            return;
        }
        meters.error(e.code());
        ObjectNode body = document(e.code(), e.code().status(), e.getMessage()).put("instance", req.path().absolute().path());
        res.status(Status.create(e.code().status()));
        res.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (req.content().hasEntity() && !req.content().consumed()) {
            // refused before its body was read: rather than read a body nobody wants, the server
            // closes the connection after answering, and says so (a client must not reuse it)
            res.header(io.helidon.http.HeaderValues.CONNECTION_CLOSE);
        }
        if (e.retryAfterSeconds() != null) {
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        res.send(json.write(body));
    }

    /** The problem document (RFC 9457) every error answer carries. */
    private ObjectNode document(ErrorCode code, int status, String detail) {
        return json.object()
                .put("type", "https://chat.dev/problems/" + code.code().replace('_', '-'))
                .put("title", code.title())
                .put("status", status)
                .put("detail", detail)
                .put("code", code.code());
    }

    /** Classifies a failure that is not a ChatException: unreachable database, or a bug. */
    public static ChatException fromDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChatException ce) {
                return ce;
            }
            if (t instanceof SQLTransientException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                    || t.getClass().getName().equals("com.zaxxer.hikari.pool.HikariPool$PoolInitializationException")) {
                return new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly.", 5, e);
            }
        }
        return new ChatException(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side.", null, e);
    }
}
