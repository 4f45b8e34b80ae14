package dev.chat.api.http;

/**
 * The closed catalogue of error codes. Each has one HTTP status; the same codes are used in
 * WebSocket error frames. A code, once published, keeps its meaning forever.
 */
public enum ErrorCode {
    MALFORMED_JSON(400, "Malformed JSON"),
    VALIDATION_FAILED(400, "Invalid request"),
    WEAK_PASSWORD(400, "Password too common"),
    UNAUTHENTICATED(401, "Authentication required"),
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
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
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

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The stable wire form: {@code validation_failed}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
