package dev.chat.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The events a client receives (docs/PROTOCOL.md, "Server → client"), one record per {@link
 * EventType} that reaches clients, as Java clients read them ({@link ServerEvents#decode}). api
 * does not build these: it encodes each event once, straight from its data, and ws-nodes pass the
 * bytes on unread. Every event has a unique {@code id} (drop ids already seen) and the instant the
 * server accepted the change. Where the data is a REST shape the protocol does not model (a
 * conversation, a group, a person as I see them), the record keeps it as JSON ({@code data}).
 */
public sealed interface ServerEvent extends ToClient {
    /** The event's id: unique per event. */
    UUID id();

    /** When the server accepted the change. */
    Instant at();

    /** Its type; a new record does not compile until it is named here. */
    default EventType type() {
        return switch (this) {
            case MessageCreated e -> EventType.MESSAGE_CREATED;
            case MessageUpdated e -> EventType.MESSAGE_UPDATED;
            case MessageDeleted e -> EventType.MESSAGE_DELETED;
            case ConversationCreated e -> EventType.CONVERSATION_CREATED;
            case ConversationUpdated e -> EventType.CONVERSATION_UPDATED;
            case ContactUpdated e -> EventType.CONTACT_UPDATED;
            case UserUpdated e -> EventType.USER_UPDATED;
            case GroupUpdated e -> EventType.GROUP_UPDATED;
            case GroupDeleted e -> EventType.GROUP_DELETED;
            case GroupMemberAdded e -> EventType.GROUP_MEMBER_ADDED;
            case GroupMemberRemoved e -> EventType.GROUP_MEMBER_REMOVED;
            case ReactionUpdated e -> EventType.REACTION_UPDATED;
            case ReceiptUpdated e -> EventType.RECEIPT_UPDATED;
            case ReceiptsAdvanced e -> EventType.RECEIPTS_ADVANCED;
            case Typing e -> EventType.TYPING;
            case Presence e -> EventType.PRESENCE;
            case Announcement e -> EventType.ANNOUNCEMENT;
            case CallIncoming e -> EventType.CALL_INCOMING;
            case CallRinging e -> EventType.CALL_RINGING;
            case CallAnswered e -> EventType.CALL_ANSWERED;
            case CallAnsweredElsewhere e -> EventType.CALL_ANSWERED_ELSEWHERE;
            case CallIce e -> EventType.CALL_ICE;
            case CallMedia e -> EventType.CALL_MEDIA;
            case CallRenegotiate e -> EventType.CALL_RENEGOTIATE;
            case CallEnded e -> EventType.CALL_ENDED;
            case HuddleUpdated e -> EventType.HUDDLE_UPDATED;
            case HuddleSignal e -> EventType.HUDDLE_SIGNAL;
        };
    }

    /** A message was stored in one of my conversations (mine too: every tab and device gets it). */
    record MessageCreated(UUID id, UUID conversation, long seq, Instant at, Message message) implements ServerEvent {
    }

    /** A message was edited: replace mine by seq. */
    record MessageUpdated(UUID id, UUID conversation, long seq, Instant at, Message message) implements ServerEvent {
    }

    /** A message was deleted: {@code tombstone} replaces mine by seq; {@code moderated} when a moderator removed it. */
    record MessageDeleted(UUID id, UUID conversation, long seq, Instant at, Message tombstone, boolean moderated)
            implements ServerEvent {
    }

    /** A conversation I am in was opened with me (or a channel made); {@code data}: it as I see it (REST's shape). */
    record ConversationCreated(UUID id, UUID conversation, Instant at, JsonNode data) implements ServerEvent {
    }

    /** My own settings of a conversation changed on some device; {@code data}: it as I see it now (REST's shape). */
    record ConversationUpdated(UUID id, UUID conversation, Instant at, JsonNode data) implements ServerEvent {
    }

    /** One of my contacts was added, renamed or removed; {@code data}: the person as I see them now (REST's shape). */
    record ContactUpdated(UUID id, Instant at, JsonNode data) implements ServerEvent {
    }

    /** Someone changed their display name. */
    record UserUpdated(UUID id, Instant at, UUID user, String username, String displayName) implements ServerEvent {
    }

    /** A group I am in changed; {@code data}: the group as REST shows it, without my role. */
    record GroupUpdated(UUID id, Instant at, JsonNode data) implements ServerEvent {
    }

    /** A group I was in was deleted. */
    record GroupDeleted(UUID id, Instant at, UUID group) implements ServerEvent {
    }

    /** Someone joined a group I am in (or I did), with this role. */
    record GroupMemberAdded(UUID id, Instant at, UUID group, UUID user, String role) implements ServerEvent {
    }

    /** Someone left or was removed from a group I am in (or I was). */
    record GroupMemberRemoved(UUID id, Instant at, UUID group, UUID user) implements ServerEvent {
    }

    /** Someone reacted or took a reaction back; {@code reactions} is the message's whole tally now. */
    record ReactionUpdated(UUID id, UUID conversation, long seq, Instant at, long version, UUID user, String emoji,
                           boolean on, List<Message.Reaction> reactions) implements ServerEvent {
    }

    /** A member's receipt cursors moved. */
    record ReceiptUpdated(UUID id, UUID conversation, Instant at, UUID user, long deliveredSeq, long readSeq)
            implements ServerEvent {
    }

    /** In a channel, the minimum over all members of the delivered or read cursor moved. */
    record ReceiptsAdvanced(UUID id, UUID conversation, Instant at, long deliveredSeq, long readSeq) implements ServerEvent {
    }

    /** Someone else in the conversation started or stopped typing; show it until {@code expiresInMs} passes. */
    record Typing(UUID id, UUID conversation, Instant at, UUID user, TypingState state, long expiresInMs)
            implements ServerEvent {
    }

    /** Someone came online or went offline ({@code lastSeen} null while online). */
    record Presence(UUID id, Instant at, UUID user, boolean online, Instant lastSeen) implements ServerEvent {
    }

    /** An admin's announcement to everyone online. */
    record Announcement(UUID id, Instant at, UUID announcement, String text, String by) implements ServerEvent {
    }

    /** {@code from} calls me in {@code conversation}; {@code sdp} is the offer. */
    record CallIncoming(UUID id, UUID conversation, Instant at, UUID call, UUID from, boolean video, String sdp)
            implements ServerEvent {
    }

    /** The callee's device rings. */
    record CallRinging(UUID id, UUID conversation, Instant at, UUID call) implements ServerEvent {
    }

    /** The callee answered; {@code sdp} is the answer. */
    record CallAnswered(UUID id, UUID conversation, Instant at, UUID call, String sdp) implements ServerEvent {
    }

    /** The call was taken by the callee's device of {@code session}. */
    record CallAnsweredElsewhere(UUID id, UUID conversation, Instant at, UUID call, UUID session) implements ServerEvent {
    }

    /** An ICE candidate of the peer's. */
    record CallIce(UUID id, UUID conversation, Instant at, UUID call, String candidate, String sdpMid, Integer sdpMLineIndex)
            implements ServerEvent {
    }

    /** The peer's microphone and camera. */
    record CallMedia(UUID id, UUID conversation, Instant at, UUID call, UUID user, boolean audio, boolean video)
            implements ServerEvent {
    }

    /** The peer's new offer ({@code offer} true) or answer during the call. */
    record CallRenegotiate(UUID id, UUID conversation, Instant at, UUID call, String sdp, boolean offer) implements ServerEvent {
    }

    /** The call ended: {@code by} null when the server ended it (missed, busy); {@code durationMs} 0 unless answered. */
    record CallEnded(UUID id, UUID conversation, Instant at, UUID call, String reason, UUID by, long durationMs)
            implements ServerEvent {
    }

    /** A channel's huddle as it now stands: {@code live} false once it ended (nobody is left in it). */
    record HuddleUpdated(UUID id, UUID conversation, Instant at, UUID huddle, long version, boolean live,
                         List<HuddlePeer> participants) implements ServerEvent {
        public HuddleUpdated {
            participants = List.copyOf(participants);
        }
    }

    /** One person in a huddle, on the device of {@code session}. */
    record HuddlePeer(UUID user, UUID session, boolean audio, boolean video, boolean screen) {
    }

    /** A participant's offer or answer ({@code sdp}) or ICE candidate for my device; {@code kind}: offer, answer, ice. */
    record HuddleSignal(UUID id, UUID conversation, Instant at, UUID huddle, UUID from, UUID fromSession, String kind, String sdp,
                        String candidate, String sdpMid, Integer sdpMLineIndex) implements ServerEvent {
    }
}
