package dev.chat.protocol;

import java.util.Locale;

/**
 * The closed catalogue of error codes, for REST and WebSocket alike. Each has one HTTP status (a
 * REST answer is an RFC 9457 problem with it); on a socket it is an {@code error} frame with the
 * client's frame id, and the socket stays open, except for the few codes that {@linkplain
 * #closesSocket() close it} with their close code instead. A code, once published, keeps its
 * meaning forever; the wire form is the name in lower case ({@code validation_failed}).
 */
public enum ErrorCode {
    MALFORMED_JSON(400, "Malformed JSON"),
    VALIDATION_FAILED(400, "Invalid request"),
    WEAK_PASSWORD(400, "Password too common"),
    /** A WebSocket frame of a type the protocol does not have (or one clients may not send). */
    UNKNOWN_FRAME(400, "Unknown frame type"),
    /** A binary WebSocket frame: frames are JSON text. */
    UNSUPPORTED_FRAME(400, "Unsupported frame"),
    /** On a socket: no valid token on the upgrade, or the session was ended: closed with 4401. */
    UNAUTHENTICATED(401, "Authentication required", CloseCode.UNAUTHENTICATED),
    BAD_CREDENTIALS(401, "Wrong username or password"),
    ACCOUNT_DISABLED(401, "Account disabled"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    USER_NOT_FOUND(404, "User not found"),
    CONVERSATION_NOT_FOUND(404, "Conversation not found"),
    MESSAGE_NOT_FOUND(404, "Message not found"),
    GROUP_NOT_FOUND(404, "Group not found"),
    INVITE_NOT_FOUND(404, "Invite not found"),
    ATTACHMENT_NOT_FOUND(404, "Attachment not found"),
    REPLY_TARGET_NOT_FOUND(404, "Reply target not found"),
    /** No such call in this conversation, or not one of mine. */
    CALL_NOT_FOUND(404, "Call not found"),
    /** No live huddle of that id in this channel, or I am not in it (to leave, signal or change my media). */
    HUDDLE_NOT_FOUND(404, "Huddle not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    USERNAME_TAKEN(409, "Username taken"),
    CLIENT_MSG_ID_CONFLICT(409, "Client message id already used"),
    MESSAGE_DELETED(409, "Message deleted"),
    ALREADY_MEMBER(409, "Already a member"),
    GROUP_FULL(409, "Group full"),
    OWNER_MUST_TRANSFER(409, "Owner must transfer ownership first"),
    CHANNEL_NAME_TAKEN(409, "Channel name taken"),
    CHANNEL_ARCHIVED(409, "Channel archived"),
    LAST_CHANNEL(409, "Last channel"),
    ATTACHMENT_INCOMPLETE(409, "Attachment incomplete"),
    ATTACHMENT_IN_USE(409, "Attachment already sent"),
    TOO_MANY_REACTIONS(409, "Too many reactions"),
    /** The call is not in a state where this step is possible (answered elsewhere, already ended, ...). */
    CALL_STATE_CONFLICT(409, "Call in another state"),
    /** I am in a call already (on this device or another), so I cannot start one. */
    ALREADY_IN_CALL(409, "Already in a call"),
    /** The huddle has {@link ClientFrame#MAX_HUDDLE} people in it already. */
    HUDDLE_FULL(409, "Huddle full"),
    /** On a socket: a frame over the limit closes it with 1009. */
    PAYLOAD_TOO_LARGE(413, "Payload too large", CloseCode.TOO_BIG),
    ATTACHMENT_TOO_LARGE(413, "Attachment too large"),
    URI_TOO_LONG(414, "Request URI too long"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
    HEADERS_TOO_LARGE(431, "Request headers too large"),
    RATE_LIMITED(429, "Too many requests"),
    INTERNAL_ERROR(500, "Internal error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;
    private final CloseCode close;
    private final String code;

    ErrorCode(int status, String title) {
        this(status, title, null);
    }

    ErrorCode(int status, String title, CloseCode close) {
        this.status = status;
        this.title = title;
        this.close = close;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    /** The code of a wire form ({@code validation_failed}), if the catalogue has it. */
    public static java.util.Optional<ErrorCode> fromWire(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }

    /** The HTTP status of a REST answer with this code. */
    public int status() {
        return status;
    }

    /** The problem document's title. */
    public String title() {
        return title;
    }

    /** The stable wire form: {@code validation_failed}. */
    public String code() {
        return code;
    }

    /** Whether a socket is closed for this failure (with {@link #closeCode()}) rather than answered with an error frame. */
    public boolean closesSocket() {
        return close != null;
    }

    /** The close code a socket is closed with for this failure; only where {@link #closesSocket()}. */
    public CloseCode closeCode() {
        if (close == null) {
            throw new IllegalStateException(code + " is answered with an error frame; it closes no socket");
        }
        return close;
    }
}
