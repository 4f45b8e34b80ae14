package dev.chat.api.calls;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.RateLimits;
import dev.chat.api.messaging.Messaging;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The signalling of 1:1 calls (docs/PROTOCOL.md, "Calls"): each frame checked against the call's
 * state in PostgreSQL and its events published to the devices concerned; media never passes here.
 * A change of state (invite, answer, the end) and its events are one transaction (the outbox); an
 * ICE candidate or a media state changes nothing and is published straight away. Calls ringing
 * past the timeout are ended as missed by whichever api instance sees them first. When a call
 * ends, its record is written to the conversation's history as a message of the caller's.
 * Thread-safe.
 */
public final class Calls implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Calls.class.getName());

    private final Db db;
    private final Outbox outbox;
    private final EventPublisher publisher;
    private final Messaging messaging;
    private final Json json;
    private final Duration ringTimeout;
    private final RateLimiter limiter;
    private final RateLimits.Rate invitesPerUser;
    private final CallStore store = new CallStore();
    private final HuddleStore huddles = new HuddleStore();
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("calls-missed").daemon().factory());

    public Calls(Db db, Outbox outbox, EventPublisher publisher, Messaging messaging, Json json, Duration ringTimeout,
                 RateLimiter limiter, RateLimits.Rate invitesPerUser) {
        this.limiter = limiter;
        this.invitesPerUser = invitesPerUser;
        this.db = db;
        this.outbox = outbox;
        this.publisher = publisher;
        this.messaging = messaging;
        this.json = json;
        this.ringTimeout = ringTimeout;
    }

    /** Starts ending unanswered calls as missed: looked for a few times per timeout, at most every second. */
    public void start() {
        long every = Math.clamp(ringTimeout.toMillis() / 4, 100, 1000);
        sweeper.scheduleWithFixedDelay(this::sweepMissed, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /**
     * {@code call.invite}: the callee rings on every device, or the call ends at once as busy. The
     * answer: the call. Past the person's invite rate, rate_limited (retryAfter) and nothing rings;
     * a retry of an invite already stored is answered without counting.
     */
    public ObjectNode invite(UUID user, UUID session, ClientFrame.CallInvite f) {
        boolean retry = store.byId(db.client().execute(), f.call()).map(c -> c.caller().equals(user)).orElse(false);
        if (!retry) {
            limiter.hit(RateLimiter.Kind.CALL_INVITES, user.toString(), invitesPerUser);
        }
        CallStore.Call call = outbox.inTransaction(t -> {
            var tx = t.db();
            CallStore.Members members = store.members(tx, f.conversation());
            if (!members.users().contains(user)) {
                throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
            }
            if (!"direct".equals(members.kind()) || members.users().size() != 2) {
                throw ChatException.validation("Calls are made in direct chats, between their two people.");
            }
            UUID callee = members.users().getFirst().equals(user) ? members.users().getLast() : members.users().getFirst();
            // first the lock, then the look for this id: copies of one invite at once (a hand-off
            // retried) then find the first one's call instead of inserting it twice
            store.lockPeople(tx, user, callee);
            var earlier = store.byId(tx, f.call());
            if (earlier.isPresent()) {
                if (earlier.get().caller().equals(user) && earlier.get().conversation().equals(f.conversation())) {
                    return earlier.get(); // a retry: the same call, announced once
                }
                throw taken();
            }
            // a huddle counts as a call: its joins take the same lock on the person (Huddles.join)
            if (store.inCall(tx, user, f.call())) {
                throw new ChatException(ErrorCode.ALREADY_IN_CALL, "You are in a call already: hang it up first.");
            }
            if (huddles.inAny(tx, user)) {
                throw new ChatException(ErrorCode.ALREADY_IN_CALL, "You are in a huddle: leave it first.");
            }
            boolean busy = store.inCall(tx, callee, f.call()) || huddles.inAny(tx, callee);
            CallStore.Call c = store.insert(tx, f.call(), f.conversation(), user, callee, session, f.video(), busy)
                    .orElseThrow(Calls::taken);
            if (busy) {
                ended(t, c);
            } else {
                t.announce(Envelope.of(EventType.CALL_INCOMING, c.conversation(), null, c.createdAt(), data(c)
                        .put("from", user.toString()).put("video", c.video()).put("sdp", f.sdp()), List.of(callee)));
            }
            return c;
        });
        return view(call);
    }

    /** {@code call.answer}: the calling device gets the answer, the callee's other devices stop ringing. */
    public ObjectNode answer(UUID user, UUID session, ClientFrame.CallAnswer f) {
        return view(outbox.inTransaction(t -> {
            CallStore.Call c = mine(t.db(), user, f.conversation(), f.call());
            if (!c.callee().equals(user)) {
                throw new ChatException(ErrorCode.FORBIDDEN, "Only the person called answers a call.");
            }
            if ("active".equals(c.state()) && session.equals(c.calleeSession())) {
                return c; // a retry of this device's answer
            }
            if (!"ringing".equals(c.state())) {
                throw new ChatException(ErrorCode.CALL_STATE_CONFLICT, c.ended()
                        ? "The call has ended." : "The call was answered on another device.");
            }
            CallStore.Call a = store.answer(t.db(), c.id(), session);
            t.announce(Envelope.toSession(EventType.CALL_ANSWERED, a.conversation(), a.caller(), a.callerSession(), a.answeredAt(),
                    data(a).put("sdp", f.sdp())));
            t.announce(Envelope.of(EventType.CALL_ANSWERED_ELSEWHERE, a.conversation(), null, a.answeredAt(),
                    data(a).put("session", session.toString()), List.of(a.callee())));
            return a;
        }));
    }

    /** {@code call.ringing}, {@code call.reject}, {@code call.cancel}, {@code call.hangup}. The answer: the call. */
    public ObjectNode step(UUID user, UUID session, ClientFrame.CallStep f) {
        return view(outbox.inTransaction(t -> {
            CallStore.Call c = mine(t.db(), user, f.conversation(), f.call());
            return switch (f.step()) {
                case CALL_RINGING -> ringing(t, user, c);
                case CALL_REJECT -> endRinging(t, c, user, c.callee(), "rejected", "Only the person called rejects a call.");
                case CALL_CANCEL -> endRinging(t, c, user, c.caller(), "cancelled", "Only the caller cancels a call.");
                case CALL_HANGUP -> hangUp(t, c, user, session);
                default -> throw new IllegalArgumentException("not a call step: " + f.step());
            };
        }));
    }

    private CallStore.Call ringing(Outbox.Tx t, UUID user, CallStore.Call c) {
        if (!c.callee().equals(user)) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Only the person called rings.");
        }
        if ("ringing".equals(c.state())) {
            store.ringing(t.db(), c.id());
            t.announce(Envelope.toSession(EventType.CALL_RINGING, c.conversation(), c.caller(), c.callerSession(), Instant.now(), data(c)));
        }
        return c;
    }

    /** Rejecting or cancelling: only by {@code allowed}, only while it rings; again once ended, the ended call. */
    private CallStore.Call endRinging(Outbox.Tx t, CallStore.Call c, UUID user, UUID allowed, String reason, String notYours) {
        if (!allowed.equals(user)) {
            throw new ChatException(ErrorCode.FORBIDDEN, notYours);
        }
        if (c.ended()) {
            return c;
        }
        if (!"ringing".equals(c.state())) {
            throw new ChatException(ErrorCode.CALL_STATE_CONFLICT, "The call was answered: hang it up instead.");
        }
        return end(t, c, reason, user);
    }

    private CallStore.Call hangUp(Outbox.Tx t, CallStore.Call c, UUID user, UUID session) {
        if (c.ended()) {
            return c;
        }
        if ("ringing".equals(c.state())) {
            return end(t, c, user.equals(c.caller()) ? "cancelled" : "rejected", user);
        }
        if (!session.equals(c.callerSession()) && !session.equals(c.calleeSession())) {
            throw new ChatException(ErrorCode.CALL_STATE_CONFLICT, "The call is on another of your devices.");
        }
        return end(t, c, "hangup", user);
    }

    /** {@code call.ice}: to the peer's device in the call (before the answer: to every device of the callee). */
    public void ice(UUID user, UUID session, ClientFrame.CallIce f) {
        CallStore.Call c = live(user, session, f.conversation(), f.call());
        ObjectNode d = data(c).put("candidate", f.candidate());
        if (f.sdpMid() != null) {
            d.put("sdpMid", f.sdpMid());
        }
        if (f.sdpMLineIndex() != null) {
            d.put("sdpMLineIndex", f.sdpMLineIndex());
        }
        publish(toPeer(EventType.CALL_ICE, c, user, d));
    }

    /** {@code call.media}: the peer learns that my microphone or camera went on or off. */
    public void media(UUID user, UUID session, ClientFrame.CallMedia f) {
        CallStore.Call c = live(user, session, f.conversation(), f.call());
        publish(toPeer(EventType.CALL_MEDIA, c, user,
                data(c).put("user", user.toString()).put("audio", f.audio()).put("video", f.video())));
    }

    /** {@code call.renegotiate}: a new offer or answer for the peer's device (an ICE restart), during the call only. */
    public void renegotiate(UUID user, UUID session, ClientFrame.CallRenegotiate f) {
        CallStore.Call c = live(user, session, f.conversation(), f.call());
        if (!"active".equals(c.state())) {
            throw new ChatException(ErrorCode.CALL_STATE_CONFLICT, "The call has not been answered yet.");
        }
        publish(toPeer(EventType.CALL_RENEGOTIATE, c, user, data(c).put("sdp", f.sdp()).put("kind", f.offer() ? "offer" : "answer")));
    }

    /** A signal that changes no state, published at once; when the broker cannot take it, the client sends it again. */
    private void publish(Envelope e) {
        try {
            publisher.publish(e);
        } catch (RuntimeException failed) {
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "The service is briefly unavailable; retry.", 1, failed);
        }
    }

    /** Every live call of {@code user} whose device in it is gone with all the others (offline): ended as hung up. */
    public void offline(UUID user) {
        for (UUID id : store.liveOf(db.client().execute(), user)) {
            outbox.inTransaction(t -> store.byId(t.db(), id).filter(c -> "active".equals(c.state()))
                    .map(c -> end(t, c, "hangup", user)).orElse(null));
        }
    }

    /**
     * The socket {@code session} of {@code user} closed: a call that device is in ends, a hang-up
     * (a cancel while it rang); a call ringing on their other devices, or answered on another, goes on.
     */
    public void sessionClosed(UUID user, UUID session) {
        for (UUID id : store.liveOf(db.client().execute(), user)) {
            outbox.inTransaction(t -> store.byId(t.db(), id)
                    .filter(c -> !c.ended() && (user.equals(c.caller()) && session.equals(c.callerSession())
                            || user.equals(c.callee()) && session.equals(c.calleeSession())))
                    .map(c -> end(t, c, "ringing".equals(c.state()) ? "cancelled" : "hangup", user)).orElse(null));
        }
    }

    /** Ends the calls ringing past the timeout as missed; returns how many this instance ended. */
    int sweepMissed() {
        int ended = 0;
        try {
            for (UUID id : store.ringingLongerThan(db.client().execute(), ringTimeout.toMillis())) {
                Boolean done = outbox.inTransaction(t -> store.byId(t.db(), id).filter(c -> "ringing".equals(c.state()))
                        .map(c -> end(t, c, "missed", null) != null).orElse(false));
                ended += done ? 1 : 0;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ending missed calls failed (tried again soon)", e);
        }
        return ended;
    }

    /** A live call of mine, from the device in it: what ICE and media need. */
    private CallStore.Call live(UUID user, UUID session, UUID conversation, UUID id) {
        CallStore.Call c = mine(db.client().execute(), user, conversation, id);
        if (c.ended()) {
            throw new ChatException(ErrorCode.CALL_STATE_CONFLICT, "The call has ended.");
        }
        boolean fromCaller = user.equals(c.caller()) && session.equals(c.callerSession());
        boolean fromCallee = user.equals(c.callee()) && session.equals(c.calleeSession());
        if (!fromCaller && !fromCallee) {
            throw new ChatException(ErrorCode.CALL_STATE_CONFLICT, "This device is not in the call.");
        }
        return c;
    }

    /** The event for the peer's device in the call; before the answer, the callee's every device. */
    private static Envelope toPeer(EventType type, CallStore.Call c, UUID user, ObjectNode data) {
        if (user.equals(c.callee())) {
            return Envelope.toSession(type, c.conversation(), c.caller(), c.callerSession(), Instant.now(), data);
        }
        if (c.calleeSession() != null) {
            return Envelope.toSession(type, c.conversation(), c.callee(), c.calleeSession(), Instant.now(), data);
        }
        return Envelope.of(type, c.conversation(), null, Instant.now(), data, List.of(c.callee()));
    }

    /**
     * The call {@code id} of this conversation in which {@code user} takes part, locked; else
     * conversation_not_found to a non-member (as every frame about a conversation), call_not_found to a member.
     */
    private CallStore.Call mine(io.helidon.dbclient.DbExecute tx, UUID user, UUID conversation, UUID id) {
        return store.byId(tx, id)
                .filter(c -> c.conversation().equals(conversation) && (c.caller().equals(user) || c.callee().equals(user)))
                .orElseThrow(() -> store.members(tx, conversation).users().contains(user)
                        ? new ChatException(ErrorCode.CALL_NOT_FOUND, "No such call in this conversation.")
                        : new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
    }

    private CallStore.Call end(Outbox.Tx t, CallStore.Call c, String reason, UUID by) {
        CallStore.Call e = store.end(t.db(), c.id(), reason, by).orElse(c);
        ended(t, e);
        return e;
    }

    /** Tells both people's every device that the call ended, and writes its record in the conversation. */
    private void ended(Outbox.Tx t, CallStore.Call e) {
        ObjectNode d = data(e).put("reason", e.reason()).put("durationMs", e.durationMs());
        d.put("by", e.endedBy() == null ? null : e.endedBy().toString());
        t.announce(Envelope.of(EventType.CALL_ENDED, e.conversation(), null, e.endedAt(), d, List.of(e.caller(), e.callee())));
        messaging.compose(t, e.conversation(), e.caller(), "call:" + e.id(), CallRecords.text(e));
    }

    private static ChatException taken() {
        return ChatException.validation("This call id is taken: make a new one.");
    }

    private ObjectNode data(CallStore.Call c) {
        return json.object().put("call", c.id().toString());
    }

    /** A frame's answer: the call as it stands. */
    private ObjectNode view(CallStore.Call c) {
        ObjectNode v = json.object().put("id", c.id().toString()).put("conversation", c.conversation().toString())
                .put("caller", c.caller().toString()).put("callee", c.callee().toString()).put("video", c.video())
                .put("state", c.state()).put("reason", c.reason()).put("createdAt", c.createdAt().toString())
                .put("durationMs", c.durationMs());
        v.put("answeredAt", c.answeredAt() == null ? null : c.answeredAt().toString());
        v.put("endedAt", c.endedAt() == null ? null : c.endedAt().toString());
        return v;
    }
}
