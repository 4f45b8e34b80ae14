package dev.chat.protocol;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The frames a client sends on its socket (docs/PROTOCOL.md, "Client → server"), one record each,
 * and {@link Refused} for a frame that breaks a rule. {@link ClientFrames} reads them (refusing
 * with the rule's code and detail, never throwing) and writes them (for Java clients). Whoever
 * handles them switches over this sealed set without {@code default}, so a new frame does not
 * compile until every side says what it does with it.
 *
 * <p>The records hold what a frame says; only {@link ClientFrames#decode} checks the rules, so a
 * test can also write a frame the server will refuse. Every frame but {@code ping} names a
 * conversation and has an id, which the answer echoes.
 */
public sealed interface ClientFrame {
    /** The longest frame id a client may send (it is echoed in the reply). */
    int MAX_ID_LENGTH = 64;
    /** The longest message text, in code points. */
    int MAX_TEXT = 4000;
    /** Client message ids are opaque to the server: UUIDs in practice, any short token is accepted. */
    Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** The client's frame id, echoed in the reply ("" if it sent none). */
    String id();

    /** Keep-alive and round-trip probe, answered with a pong by the node itself. */
    record Ping(String id) implements ClientFrame, Peeked {
        public Ping {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * Store a message: the same operation as {@code POST …/messages}, idempotent with it by
     * {@code clientMsgId}.
     *
     * @param text       the text, stripped; "" when an attachment goes without a caption
     * @param attachment an upload of the sender's for this conversation, or null
     * @param replyTo    the seq the message answers, or null
     */
    record Send(String id, UUID conversation, String clientMsgId, String text, UUID attachment, Long replyTo)
            implements ClientFrame {
        public Send {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(clientMsgId, "clientMsgId");
        }

        /** A plain text message. */
        public Send(String id, UUID conversation, String clientMsgId, String text) {
            this(id, conversation, clientMsgId, text, null, null);
        }
    }

    /** Set ({@code on}) or take back a reaction to the message at {@code seq}; never a toggle. */
    record React(String id, UUID conversation, long seq, String emoji, boolean on) implements ClientFrame {
        public React {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(emoji, "emoji");
        }
    }

    /** The user started or stopped typing. */
    record Typing(String id, UUID conversation, TypingState state) implements ClientFrame {
        public Typing {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(state, "state");
        }
    }

    /** The user has seen everything up to {@code seq}. */
    record Read(String id, UUID conversation, long seq) implements ClientFrame {
        public Read {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
        }
    }

    /** A device of the user holds everything up to {@code seq} with no gap below it. */
    record Delivered(String id, UUID conversation, long seq) implements ClientFrame {
        public Delivered {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
        }
    }

    /** The longest session description of a call, in characters. */
    int MAX_SDP = 16 * 1024;
    /** The longest ICE candidate line, in characters. */
    int MAX_CANDIDATE = 1024;

    /**
     * Call the peer of the direct chat {@code conversation}: {@code call} is the caller's new id
     * for the call (a retry with the same id is the same call), {@code sdp} its offer.
     */
    record CallInvite(String id, UUID conversation, UUID call, String sdp, boolean video) implements ClientFrame {
        public CallInvite {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    /** The callee takes the call on this device, with its SDP answer. */
    record CallAnswer(String id, UUID conversation, UUID call, String sdp) implements ClientFrame {
        public CallAnswer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    /**
     * A step of a call that says nothing more than its type: {@code call.ringing}, {@code
     * call.reject}, {@code call.cancel} or {@code call.hangup}.
     */
    record CallStep(String id, UUID conversation, UUID call, FrameType step) implements ClientFrame {
        public CallStep {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(call, "call");
            if (step != FrameType.CALL_RINGING && step != FrameType.CALL_REJECT && step != FrameType.CALL_CANCEL
                    && step != FrameType.CALL_HANGUP) {
                throw new IllegalArgumentException("not a call step: " + step);
            }
        }
    }

    /** One ICE candidate of the sender's for its peer ("" candidate: no more candidates). */
    record CallIce(String id, UUID conversation, UUID call, String candidate, String sdpMid, Integer sdpMLineIndex)
            implements ClientFrame {
        public CallIce {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(candidate, "candidate");
        }
    }

    /**
     * A new session description for the peer's device during the call: an {@code offer} (true) to
     * restart ICE after the network changed, or the {@code answer} to one (false).
     */
    record CallRenegotiate(String id, UUID conversation, UUID call, String sdp, boolean offer) implements ClientFrame {
        public CallRenegotiate {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(sdp, "sdp");
        }
    }

    /** The sender's microphone ({@code audio}) and camera ({@code video}) are on or off. */
    record CallMedia(String id, UUID conversation, UUID call, boolean audio, boolean video) implements ClientFrame {
        public CallMedia {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(call, "call");
        }
    }

    /** The most people in one huddle: each pair is a peer connection (a mesh), so the browsers' work grows with its square. */
    int MAX_HUDDLE = 8;

    /** Join the channel's huddle, starting it when none is live, with my microphone and camera on or off. */
    record HuddleJoin(String id, UUID conversation, boolean audio, boolean video) implements ClientFrame {
        public HuddleJoin {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
        }
    }

    /** Leave the huddle {@code huddle} of the channel (this device's place in it). */
    record HuddleLeave(String id, UUID conversation, UUID huddle) implements ClientFrame {
        public HuddleLeave {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(huddle, "huddle");
        }
    }

    /** My microphone, camera and screen sharing in the huddle, each on or off. */
    record HuddleMedia(String id, UUID conversation, UUID huddle, boolean audio, boolean video, boolean screen)
            implements ClientFrame {
        public HuddleMedia {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(huddle, "huddle");
        }
    }

    /** What a huddle signal carries: a session description, or one ICE candidate. */
    enum SignalKind { OFFER, ANSWER, ICE }

    /**
     * A signal for the device {@code to} (a participant's session) of the huddle: an {@code offer}
     * or {@code answer} ({@code sdp}) or one ICE candidate ({@code candidate}, {@code sdpMid},
     * {@code sdpMLineIndex}; "" candidate: no more).
     */
    record HuddleSignal(String id, UUID conversation, UUID huddle, UUID to, SignalKind kind, String sdp, String candidate,
                        String sdpMid, Integer sdpMLineIndex) implements ClientFrame {
        public HuddleSignal {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(huddle, "huddle");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(kind, "kind");
            if ((kind == SignalKind.ICE ? candidate : sdp) == null) {
                throw new IllegalArgumentException(kind == SignalKind.ICE ? "an ICE signal carries a candidate" : "an offer or answer carries sdp");
            }
        }
    }

    /**
     * A frame that breaks a rule: answered with an error frame with this code and detail, and not
     * carried out. Not something a client sends: {@link ClientFrames#encode} refuses it.
     */
    record Refused(String id, ErrorCode code, String detail) implements ClientFrame, Peeked {
        public Refused {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
