package dev.chat.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON shapes the REST API and the events return (documented in docs/PROTOCOL.md). */
public final class Views {
    private Views() {
    }

    /** A person as others see them. */
    public record User(UUID id, String username, String displayName) {
    }

    /** A stored message; {@code seq} is its position in the conversation. */
    public record Message(UUID conversation, long seq, UUID senderId, String clientMsgId, String text, Instant at) {
    }

    /**
     * A conversation as one member sees it, with both members' receipt cursors. {@code unreadCount}
     * is {@code lastSeq - readSeq}: exact, because sending moves the sender's own read cursor.
     */
    public record Conversation(UUID id, String kind, User peer, long lastSeq, Message lastMessage, Instant updatedAt,
                               long deliveredSeq, long readSeq, long peerDeliveredSeq, long peerReadSeq,
                               long unreadCount) {
    }

    public record ConversationList(List<Conversation> conversations) {
    }

    public record MessagePage(List<Message> messages, boolean hasMore) {
    }

    /** Answer to signup/login/refresh. Tokens only for {@code "session":"bearer"} clients. */
    public record Session(User user, String accessToken, String refreshToken, Instant expiresAt) {
    }
}
