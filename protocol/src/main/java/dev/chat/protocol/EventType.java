package dev.chat.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The closed set of event types an envelope may carry (docs/PROTOCOL.md, "Server → client"). A
 * wire name, once published, is never reused for another meaning; retired types stay here, marked
 * deprecated. A ws-node decides what to do with each type in an exhaustive {@code switch}, so a new
 * type does not compile until the node handles it.
 */
public enum EventType {
    /** A message was stored; {@code data} is the message, {@code seq} its position. */
    MESSAGE_CREATED("message.created", false),
    /** A conversation the recipient belongs to was created or the recipient was added to it. */
    CONVERSATION_CREATED("conversation.created", false),
    /** A message was edited; {@code data} is the message with {@code editedAt}. */
    MESSAGE_UPDATED("message.updated", false),
    /** A message was deleted; {@code data} is its tombstone ({@code deleted: true}, empty text). */
    MESSAGE_DELETED("message.deleted", false),
    /** My own settings of a conversation changed (pin, archive, mute, clear, delete); only my sessions get it. */
    CONVERSATION_UPDATED("conversation.updated", false),
    /** One of my contacts was added, renamed or removed; {@code data} is the person as I now see them. */
    CONTACT_UPDATED("contact.updated", false),
    /** Someone I share a conversation with, or keep as a contact (or I), changed their profile; {@code data}: id, username, displayName. */
    USER_UPDATED("user.updated", false),
    /** A group I am in was created or changed (name, description, channels, roles); {@code data} is the group. */
    GROUP_UPDATED("group.updated", false),
    /** A group I was in was deleted; {@code data}: id. */
    GROUP_DELETED("group.deleted", false),
    /** Someone joined a group I am in (or I did); {@code data}: group, user, role. */
    GROUP_MEMBER_ADDED("group.member.added", false),
    /** Someone left or was removed from a group I am in (or I was); {@code data}: group, user. */
    GROUP_MEMBER_REMOVED("group.member.removed", false),
    /**
     * Someone reacted to a message or took a reaction back; {@code data}: conversation, seq,
     * version, user, emoji, on, and the message's whole tally (reactions).
     */
    REACTION_UPDATED("reaction.updated", false),
    /**
     * A member's delivered/read cursors moved; {@code data}: conversation, user, deliveredSeq, readSeq.
     * Sent to that member's own sessions, and in a direct chat to the peer's too.
     */
    RECEIPT_UPDATED("receipt.updated", false),
    /**
     * In a group or channel, the minimum over all members of the delivered or read cursor moved;
     * {@code data}: conversation, deliveredSeq, readSeq (the minimums). Sent to every member: it is
     * what the "delivered to all" and "read by all" ticks show.
     */
    RECEIPTS_ADVANCED("receipts.advanced", false),
    /** A member started or stopped typing; expires by itself on the client. */
    TYPING("typing", true),
    /** A user came online or went offline; {@code data}: user, state, lastSeen. */
    PRESENCE("presence", true),
    /**
     * The answer to one WebSocket command through the broker. Retired: a ws-node now gets the
     * answer as the response of its call to api. The name is never reused.
     */
    @Deprecated
    COMMAND_REPLY("command.reply", true),
    /** Someone calls me: every device of mine rings. {@code data}: call, from, video, sdp (the offer). */
    CALL_INCOMING("call.incoming", false),
    /** The callee's device rings; to the calling device only. {@code data}: call. */
    CALL_RINGING("call.ringing", false),
    /** The callee took the call; to the calling device only. {@code data}: call, sdp (the answer). */
    CALL_ANSWERED("call.answered", false),
    /**
     * The callee took the call on one device; to every device of the callee (the one that answered
     * knows itself by {@code data.session}). {@code data}: call, session.
     */
    CALL_ANSWERED_ELSEWHERE("call.answered.elsewhere", false),
    /** An ICE candidate of the peer's; to the device in the call (before the answer: every device of the callee). */
    CALL_ICE("call.ice", false),
    /** The peer's microphone or camera went on or off. {@code data}: call, user, audio, video. */
    CALL_MEDIA("call.media", false),
    /** The peer's new offer or answer during the call (an ICE restart). {@code data}: call, sdp, kind ("offer", "answer"). */
    CALL_RENEGOTIATE("call.renegotiate", false),
    /**
     * The call ended; to every device of both. {@code data}: call, reason (hangup, cancelled,
     * rejected, missed, busy), by (who ended it, null when the server did), durationMs (0 unless answered).
     */
    CALL_ENDED("call.ended", false),
    /**
     * A channel's huddle started, someone joined or left, or changed their microphone, camera or
     * screen, or it ended; to every member of the channel. {@code data}: huddle, version (grows
     * with each change: keep the highest), state (live, ended), startedAt, participants (user,
     * session, audio, video, screen, joinedAt).
     */
    HUDDLE_UPDATED("huddle.updated", false),
    /** An offer, answer or ICE candidate from a participant; to one participant's device. {@code data}: huddle, from, fromSession, kind, sdp | candidate… */
    HUDDLE_SIGNAL("huddle.signal", false),
    /** An admin's announcement to everyone online; every node hands it to all its sessions. {@code data}: id, text, by. */
    ANNOUNCEMENT("announcement", true, true),
    /**
     * An account's sessions were revoked (disabled, forced logout); every node closes that user's
     * sockets of tokens issued up to {@code data.revokedAt} and refuses such tokens. With
     * {@code data.session}, only that session (login) was ended (logout): its sockets are closed and
     * tokens naming it ({@code sid}) refused. Never sent to clients.
     */
    SESSION_REVOKED("session.revoked", false, true);

    private static final Map<String, EventType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    private final String wireName;
    private final boolean ephemeral;
    private final boolean broadcast;

    EventType(String wireName, boolean ephemeral) {
        this(wireName, ephemeral, false);
    }

    EventType(String wireName, boolean ephemeral, boolean broadcast) {
        this.wireName = wireName;
        this.ephemeral = ephemeral;
        this.broadcast = broadcast;
    }

    /** Broadcast events go to every ws-node (routing key {@code Topology.BROADCAST_KEY} in fanout), not to named users. */
    public boolean broadcast() {
        return broadcast;
    }

    /** Ephemeral events are worthless late: they carry a short TTL and are never stored. */
    public boolean ephemeral() {
        return ephemeral;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE.get(name));
    }
}
