package dev.chat.api.calls;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import io.helidon.dbclient.DbExecute;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Huddles in channels (docs/PROTOCOL.md, "Huddles"): a live call of up to {@link
 * ClientFrame#MAX_HUDDLE} members of a channel, each pair of them joined by its own peer connection
 * (a mesh). This keeps who is in it, on which device, with which media, in PostgreSQL, tells the
 * channel's members of every change ({@code huddle.updated}, in the transaction of the change) and
 * relays the pairs' offers, answers and ICE candidates to the one device they are for; media never
 * passes here. A huddle starts with its first participant and ends when the last leaves or goes
 * offline. Thread-safe.
 */
public final class Huddles {
    /** No call's id: {@link CallStore#inCall} then excepts none. */
    private static final UUID NO_CALL = new UUID(0, 0);

    private final Db db;
    private final Outbox outbox;
    private final EventPublisher publisher;
    private final Json json;
    private final HuddleStore store = new HuddleStore();
    private final CallStore calls = new CallStore();

    public Huddles(Db db, Outbox outbox, EventPublisher publisher, Json json) {
        this.db = db;
        this.outbox = outbox;
        this.publisher = publisher;
        this.json = json;
    }

    /** {@code huddle.join}: into the channel's live huddle, or a new one. The answer: the huddle. */
    public ObjectNode join(UUID user, UUID session, ClientFrame.HuddleJoin f) {
        return outbox.inTransaction(t -> {
            DbExecute tx = t.db();
            List<UUID> members = channelMembers(tx, user, f.conversation());
            store.lockChannel(tx, f.conversation());
            if (store.inOther(tx, user, f.conversation())) {
                throw new ChatException(ErrorCode.ALREADY_IN_CALL, "You are in a huddle of another channel: leave it first.");
            }
            // a 1:1 call (ringing or answered) counts as being in a call; under the lock an invite takes on the person
            calls.lockPeople(tx, user, user);
            if (calls.inCall(tx, user, NO_CALL)) {
                throw new ChatException(ErrorCode.ALREADY_IN_CALL, "You are in a call: hang it up first.");
            }
            HuddleStore.Huddle h = store.live(tx, f.conversation())
                    .orElseGet(() -> store.start(tx, UUID.randomUUID(), f.conversation(), user));
            List<HuddleStore.Participant> in = store.participants(tx, h.id());
            Optional<HuddleStore.Participant> mine = in.stream().filter(p -> p.user().equals(user)).findFirst();
            if (mine.isPresent() && mine.get().session().equals(session)) {
                return view(h, in); // a retry: already in, on this device
            }
            if (mine.isEmpty() && in.size() >= ClientFrame.MAX_HUDDLE) {
                throw new ChatException(ErrorCode.HUDDLE_FULL, "The huddle has " + ClientFrame.MAX_HUDDLE + " people in it already.");
            }
            store.place(tx, h.id(), user, session, f.audio(), f.video());
            return changed(t, h.id(), members);
        });
    }

    /** {@code huddle.leave}: this device's place; leaving again (or once it ended) answers the huddle as it stands. */
    public ObjectNode leave(UUID user, UUID session, ClientFrame.HuddleLeave f) {
        return outbox.inTransaction(t -> {
            DbExecute tx = t.db();
            List<UUID> members = channelMembers(tx, user, f.conversation());
            store.lockChannel(tx, f.conversation());
            HuddleStore.Huddle h = huddleOf(tx, f.conversation(), f.huddle());
            if (!h.live() || !store.remove(tx, h.id(), user, session)) {
                return view(h, store.participants(tx, h.id()));
            }
            return changed(t, h.id(), members);
        });
    }

    /** {@code huddle.media}: my microphone, camera and screen, told to the channel; answered only when refused. */
    public void media(UUID user, UUID session, ClientFrame.HuddleMedia f) {
        outbox.inTransaction(t -> {
            DbExecute tx = t.db();
            List<UUID> members = channelMembers(tx, user, f.conversation());
            store.lockChannel(tx, f.conversation());
            HuddleStore.Huddle h = huddleOf(tx, f.conversation(), f.huddle());
            if (!h.live() || !store.media(tx, h.id(), user, session, f.audio(), f.video(), f.screen())) {
                throw notIn();
            }
            return changed(t, h.id(), members);
        });
    }

    /** {@code huddle.signal}: to the one device it is for, from a device in the huddle to another in it. */
    public void signal(UUID user, UUID session, ClientFrame.HuddleSignal f) {
        DbExecute q = db.client().execute();
        channelMembers(q, user, f.conversation());
        HuddleStore.Huddle h = huddleOf(q, f.conversation(), f.huddle());
        List<HuddleStore.Participant> in = h.live() ? store.participants(q, h.id()) : List.of();
        if (in.stream().noneMatch(p -> p.user().equals(user) && p.session().equals(session))) {
            throw notIn();
        }
        HuddleStore.Participant to = in.stream().filter(p -> p.session().equals(f.to()) && !p.user().equals(user)).findFirst()
                .orElseThrow(() -> new ChatException(ErrorCode.HUDDLE_NOT_FOUND, "'to' is not another participant's device in this huddle."));
        ObjectNode d = json.object().put("huddle", h.id().toString()).put("from", user.toString())
                .put("fromSession", session.toString()).put("kind", f.kind().name().toLowerCase(Locale.ROOT));
        if (f.kind() == ClientFrame.SignalKind.ICE) {
            d.put("candidate", f.candidate());
            if (f.sdpMid() != null) {
                d.put("sdpMid", f.sdpMid());
            }
            if (f.sdpMLineIndex() != null) {
                d.put("sdpMLineIndex", f.sdpMLineIndex());
            }
        } else {
            d.put("sdp", f.sdp());
        }
        try {
            publisher.publish(Envelope.toSession(EventType.HUDDLE_SIGNAL, h.conversation(), to.user(), to.session(), Instant.now(), d));
        } catch (RuntimeException failed) {
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "The service is briefly unavailable; retry.", 1, failed);
        }
    }

    /** The channel's live huddle, for {@code GET /api/conversations/{id}/huddle}: null when none (or a direct chat). */
    public ObjectNode liveIn(UUID user, UUID conversation) {
        DbExecute q = db.client().execute();
        CallStore.Members m = calls.members(q, conversation);
        if (!m.users().contains(user)) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        return store.live(q, conversation).map(h -> view(h, store.participants(q, h.id()))).orElse(null);
    }

    /** {@code user} went offline (every socket closed, or their node died): out of every huddle, which ends if it empties. */
    public void offline(UUID user) {
        leaveEvery(user, null);
    }

    /** The socket {@code session} of {@code user} closed: that device's place in a huddle is left (other devices stay online). */
    public void sessionClosed(UUID user, UUID session) {
        leaveEvery(user, session);
    }

    /** Takes {@code user}'s place on {@code session} (on any device when null) out of every live huddle. */
    private void leaveEvery(UUID user, UUID session) {
        for (UUID id : store.liveOf(db.client().execute(), user)) {
            outbox.inTransaction(t -> {
                HuddleStore.Huddle h = store.byId(t.db(), id).orElseThrow();
                store.lockChannel(t.db(), h.conversation());
                if (!store.remove(t.db(), id, user, session)) {
                    return null;
                }
                return changed(t, id, calls.members(t.db(), h.conversation()).users());
            });
        }
    }

    /** The members of the channel; conversation_not_found to a non-member, validation_failed for a direct chat. */
    private List<UUID> channelMembers(DbExecute tx, UUID user, UUID conversation) {
        CallStore.Members m = calls.members(tx, conversation);
        if (!m.users().contains(user)) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        if (!"channel".equals(m.kind())) {
            throw ChatException.validation("Huddles are held in channels; in a direct chat, call the person.");
        }
        return m.users();
    }

    private HuddleStore.Huddle huddleOf(DbExecute tx, UUID conversation, UUID id) {
        return store.byId(tx, id).filter(h -> h.conversation().equals(conversation))
                .orElseThrow(() -> new ChatException(ErrorCode.HUDDLE_NOT_FOUND, "No such huddle in this channel."));
    }

    private static ChatException notIn() {
        return new ChatException(ErrorCode.HUDDLE_NOT_FOUND, "This device is not in that huddle (or it has ended).");
    }

    /** A new version of the huddle (ended if nobody is left), told to every member of the channel. */
    private ObjectNode changed(Outbox.Tx t, UUID huddle, List<UUID> members) {
        List<HuddleStore.Participant> in = store.participants(t.db(), huddle);
        HuddleStore.Huddle h = store.changed(t.db(), huddle, in.isEmpty());
        ObjectNode v = view(h, in);
        t.announce(Envelope.of(EventType.HUDDLE_UPDATED, h.conversation(), null, Instant.now(), v, members));
        return v;
    }

    /** The huddle as frames' answers, events and REST show it. */
    private ObjectNode view(HuddleStore.Huddle h, List<HuddleStore.Participant> in) {
        ObjectNode v = json.object().put("huddle", h.id().toString()).put("conversation", h.conversation().toString())
                .put("state", h.live() ? "live" : "ended").put("version", h.version()).put("startedBy", h.startedBy().toString())
                .put("startedAt", h.startedAt().toString());
        v.put("endedAt", h.live() ? null : h.endedAt().toString());
        ArrayNode people = v.putArray("participants");
        for (HuddleStore.Participant p : in) {
            people.addObject().put("user", p.user().toString()).put("session", p.session().toString()).put("audio", p.audio())
                    .put("video", p.video()).put("screen", p.screen()).put("joinedAt", p.joinedAt().toString());
        }
        return v;
    }
}
