package dev.chat.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored message as clients see it, in REST answers, in a send's {@code ack} and in the
 * {@code message.*} events (docs/PROTOCOL.md): api writes it, Java clients read it ({@link
 * ServerEvents}), one shape for both. {@code seq} is its position in the conversation. A deleted
 * message keeps its seq as a tombstone: {@code deleted} true and {@code text} empty.
 *
 * @param editedAt  when its text was last edited, or null
 * @param version   the conversation version of its last change (edit, delete, reaction)
 * @param replyTo   the message it answers, or null
 * @param attachment the file it carries, or null
 */
public record Message(UUID conversation, long seq, UUID senderId, String clientMsgId, String text, Instant at,
                      Instant editedAt, boolean deleted, long version, Quote replyTo, Attachment attachment,
                      List<Reaction> reactions) {

    /** The message a reply answers, as shown above it: the first 200 characters and what it carries. */
    public record Quote(long seq, UUID senderId, String text, boolean deleted, AttachmentBrief attachment) {
    }

    /** What a quoted message carries: its attachment's kind and name. */
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

    /** A message's reactions after a change, with the conversation version the change got: a react's {@code ack} result. */
    public record Reactions(UUID conversation, long seq, long version, List<Reaction> reactions) {
    }
}
