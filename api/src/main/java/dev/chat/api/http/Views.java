package dev.chat.api.http;

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

    /** Someone else as I see them: {@code alias} is my name for them (null if I gave none). */
    public record Person(UUID id, String username, String displayName, String alias, boolean contact) {
    }

    /** My own profile. */
    public record Profile(UUID id, String username, String displayName, String bio, String role) {
    }

    /**
     * A stored message; {@code seq} is its position in the conversation. A deleted message keeps
     * its seq as a tombstone: {@code deleted} true and {@code text} empty.
     */
    public record Message(UUID conversation, long seq, UUID senderId, String clientMsgId, String text, Instant at,
                          Instant editedAt, boolean deleted, long version, Quote replyTo, Attachment attachment,
                          List<Reaction> reactions) {
    }

    /** The message a reply answers, as shown above it: the first 200 characters and what it carries. */
    public record Quote(long seq, UUID senderId, String text, boolean deleted, AttachmentBrief attachment) {
    }

    public record AttachmentBrief(String kind, String name) {
    }

    /**
     * A file sent in a message. {@code kind}: image, video, audio, voice or file; {@code contentType}
     * is what the bytes are (sniffed), never what the name says. {@code thumbnail}: whether
     * {@code /api/attachments/{id}/thumbnail} exists. Voice messages carry their duration and the
     * waveform peaks (0..255) the recording client computed once.
     */
    public record Attachment(UUID id, String name, long size, String contentType, String kind, Integer width,
                             Integer height, boolean thumbnail, Integer durationMs, List<Integer> waveform) {
    }

    /** One emoji on a message: how many people used it and who, in the order they reacted. */
    public record Reaction(String emoji, long count, List<UUID> users) {
    }

    /** A message's reactions after a change, with the conversation version the change got. */
    public record Reactions(UUID conversation, long seq, long version, List<Reaction> reactions) {
    }

    /**
     * An upload as its owner sees it: {@code received} lists the chunks the server holds (resume by
     * sending the others). Until {@code complete}, {@code contentType} is what the client declared.
     */
    public record Upload(UUID id, UUID conversation, String name, long size, String contentType, String kind,
                         int chunkSize, int chunks, List<Integer> received, boolean complete, Integer width,
                         Integer height, boolean thumbnail, Integer durationMs, List<Integer> waveform) {
    }

    /** Messages changed (edited, deleted, reacted to) after a version, ascending by version. */
    public record Changes(List<Message> messages, boolean hasMore) {
    }

    /** The group a channel belongs to. */
    public record GroupRef(UUID id, String name) {
    }

    /**
     * A conversation as one member sees it: a direct chat ({@code peer} set) or a group's channel
     * ({@code name} and {@code group} set). {@code peerDeliveredSeq}/{@code peerReadSeq} are the
     * other members' minimum cursors: "delivered to all" / "read by all" (the peer's, in a direct chat). {@code unreadCount}
     * is {@code lastSeq - readSeq}: exact, because sending moves the sender's own read cursor.
     * {@code lastVersion} is the newest change (edit, delete, reaction): a client that holds less
     * fetches {@code …/changes?since=}.
     */
    public record Conversation(UUID id, String kind, String name, GroupRef group, long memberCount, Person peer,
                               long lastSeq, Message lastMessage, Instant updatedAt,
                               long deliveredSeq, long readSeq, long peerDeliveredSeq, long peerReadSeq,
                               long unreadCount, boolean pinned, boolean archived, boolean muted, long clearedSeq,
                               long mentionCount, long lastVersion, List<Long> hiddenSeqs) {
    }

    /** Who of the other members has read a message, and who has only received it. */
    public record Readers(long seq, List<Person> readBy, List<Person> deliveredTo, long others) {
    }

    public record PersonList(List<Person> people, String next) {
    }

    public record ConversationList(List<Conversation> conversations) {
    }

    /** A page of history, ascending: {@code hasMore} older messages exist (after=: call again), {@code hasNewer} newer ones. */
    public record MessagePage(List<Message> messages, boolean hasMore, boolean hasNewer) {
    }

    /**
     * A message search found: where it is, the part of its text around the matches ({@code snippet},
     * plain text) with the [start, end) UTF-16 offsets of the matched words in it, and the message.
     */
    public record SearchResult(UUID conversation, long seq, UUID senderId, Instant at, String snippet,
                               List<int[]> highlights, Message message) {
    }

    /** A page of message search results; {@code next} is the cursor of the next page (null: no more). */
    public record SearchResults(List<SearchResult> results, String next) {
    }

    /** Answer to signup/login/refresh. Tokens only for {@code "session":"bearer"} clients. */
    public record Session(User user, String accessToken, String refreshToken, Instant expiresAt) {
    }
}
