package dev.chat.api.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.calls.Calls;
import dev.chat.api.calls.Huddles;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.Problems;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ClientFrames;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ServerFrames;
import dev.chat.protocol.Message;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the WebSocket frames that ws-nodes hand off ({@code send}, {@code react}, {@code typing},
 * {@code read}, {@code delivered}, and the calls' frames, see {@link Calls}) through the same code as REST ({@link Messaging}, {@link
 * Receipts}, {@link Reactions}). The identity is the node's, from the authenticated socket, never
 * the frame's. The answer is the frame the node writes back to that socket, made here once:
 * {@code ack} (with the result, and {@code seq} for sends) or {@code error} with the client's
 * frame id; {@code typing}, {@code read}, {@code delivered}, {@code call.ice}, {@code call.media}, {@code huddle.media} and {@code huddle.signal} are answered only when refused (no
 * client waits for their success). Every frame is idempotent, so a node may hand one off again
 * after an api instance died mid-call. A frame is read whole by the protocol's codec ({@link
 * ClientFrames#decode}), which checks every rule that needs no database; here remain the ones that
 * do (membership, the message replied or reacted to, the attachment). Thread-safe.
 */
public final class FrameHandler {
    private static final Logger LOG = Logger.getLogger(FrameHandler.class.getName());

    private final Messaging messaging;
    private final Receipts receipts;
    private final Reactions reactions;
    private final ConversationStore conversations;
    private final Db db;
    private final EventPublisher publisher;
    private final Json json;
    private final ServerFrames frames;
    private final ClientFrames codec;
    private final Calls calls;
    private final Huddles huddles;

    public FrameHandler(Messaging messaging, Receipts receipts, Reactions reactions, ConversationStore conversations, Db db,
                        EventPublisher publisher, Json json, Calls calls, Huddles huddles) {
        this.calls = calls;
        this.huddles = huddles;
        this.messaging = messaging;
        this.receipts = receipts;
        this.reactions = reactions;
        this.conversations = conversations;
        this.db = db;
        this.publisher = publisher;
        this.json = json;
        this.frames = new ServerFrames(json.mapper());
        this.codec = new ClientFrames(json.mapper());
    }

    /** The answer to one frame of {@code user}'s socket (its {@code session}), or null when none is due. */
    public String handle(UUID user, UUID session, String text) {
        ClientFrame frame = codec.decode(text);
        try {
            return answer(user, session, frame);
        } catch (ChatException e) {
            return error(frame.id(), e);
        } catch (RuntimeException e) {
            ChatException mapped = Problems.fromDatabase(e);
            if (mapped.code() == ErrorCode.INTERNAL_ERROR) {
                LOG.log(Level.SEVERE, "frame " + frame.getClass().getSimpleName() + " failed", e);
            }
            return error(frame.id(), mapped);
        }
    }

    /** Each frame through the same code as its REST route; its fields were checked by the codec. */
    private String answer(UUID user, UUID session, ClientFrame frame) {
        return switch (frame) {
            case ClientFrame.Send s -> {
                Message m = messaging.send(user, s).message();
                yield frames.encode(new ServerFrame.Ack(s.id(), m.seq(), m));
            }
            case ClientFrame.React r -> frames.encode(new ServerFrame.Ack(r.id(), null,
                    reactions.set(user, r.conversation(), r.seq(), r.emoji(), r.on())));
            case ClientFrame.Read r -> {
                receipts.read(user, r.conversation(), r.seq());
                yield null;
            }
            case ClientFrame.Delivered d -> {
                receipts.delivered(user, d.conversation(), d.seq());
                yield null;
            }
            case ClientFrame.Typing t -> {
                typing(user, t);
                yield null;
            }
            case ClientFrame.CallInvite c -> frames.encode(new ServerFrame.Ack(c.id(), null, calls.invite(user, session, c)));
            case ClientFrame.CallAnswer c -> frames.encode(new ServerFrame.Ack(c.id(), null, calls.answer(user, session, c)));
            case ClientFrame.CallStep c -> frames.encode(new ServerFrame.Ack(c.id(), null, calls.step(user, session, c)));
            case ClientFrame.CallIce c -> {
                calls.ice(user, session, c);
                yield null;
            }
            case ClientFrame.CallMedia c -> {
                calls.media(user, session, c);
                yield null;
            }
            case ClientFrame.CallRenegotiate c -> {
                calls.renegotiate(user, session, c);
                yield null;
            }
            case ClientFrame.HuddleJoin h -> frames.encode(new ServerFrame.Ack(h.id(), null, huddles.join(user, session, h)));
            case ClientFrame.HuddleLeave h -> frames.encode(new ServerFrame.Ack(h.id(), null, huddles.leave(user, session, h)));
            case ClientFrame.HuddleMedia h -> {
                huddles.media(user, session, h);
                yield null;
            }
            case ClientFrame.HuddleSignal h -> {
                huddles.signal(user, session, h);
                yield null;
            }
            // the node answers pings itself: never handed off
            case ClientFrame.Ping p -> throw ChatException.validation("Unknown frame type.");
            case ClientFrame.Refused r -> frames.encode(new ServerFrame.Error(r.id(), r.code(), r.detail()));
        };
    }

    /** Typing goes to the other members only; it is ephemeral and never stored. */
    private void typing(UUID user, ClientFrame.Typing frame) {
        UUID conversation = frame.conversation();
        List<UUID> members = conversations.members(db.client().execute(), conversation);
        if (!members.contains(user)) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        List<UUID> others = members.stream().filter(m -> !m.equals(user)).toList();
        if (!others.isEmpty()) {
            ObjectNode data = json.object().put("user", user.toString()).put("state", frame.state().wireName()).put("expiresInMs", 6000);
            Envelope event = Envelope.of(EventType.TYPING, conversation, null, Instant.now(), data, others);
            // best effort and answered only when refused: the socket's next frame (often the message
            // itself) does not wait for the broker's confirm
            Thread.ofVirtual().name("typing-publish").start(() -> {
                try {
                    publisher.publish(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "typing not published: {0}", e.getMessage());
                }
            });
        }
    }

    private String error(String id, ChatException e) {
        return frames.encode(new ServerFrame.Error(id, e.code(), e.getMessage(), e.retryAfterSeconds()));
    }
}
