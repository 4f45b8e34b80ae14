package dev.chat.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The types of frame a client sends on its socket (docs/PROTOCOL.md, "Client → server"), and the
 * one a ws-node sends api of its own. The node answers {@code ping} itself and hands the others to
 * api as they came; both dispatch on this with an exhaustive {@code switch}, so a new type does
 * not compile until each side says what it does with it.
 */
public enum FrameType {
    /** Keep-alive and round-trip probe, answered by the node with a pong; the only frame without a conversation. */
    PING("ping"),
    /** Store a message: data {clientMsgId, text, attachment?, replyTo?}. */
    SEND("send"),
    /** Set or take back a reaction: data {seq, emoji, on}. */
    REACT("react"),
    /** Typing started or stopped: data {state: "start"|"stop"}. */
    TYPING("typing"),
    /** The user has seen everything up to data.seq. */
    READ("read"),
    /** A device of the user holds everything up to data.seq. */
    DELIVERED("delivered"),
    /** From a ws-node to api, never a client's: the user came online / went offline. */
    PRESENCE("presence"),
    /** Call the peer of a direct chat: data {call, sdp (the offer), video}. */
    CALL_INVITE("call.invite"),
    /** The callee's device rings: data {call}. */
    CALL_RINGING("call.ringing"),
    /** The callee takes the call on this device: data {call, sdp (the answer)}. */
    CALL_ANSWER("call.answer"),
    /** The callee declines: data {call}. */
    CALL_REJECT("call.reject"),
    /** The caller gives up before an answer: data {call}. */
    CALL_CANCEL("call.cancel"),
    /** Either side ends the call: data {call}. */
    CALL_HANGUP("call.hangup"),
    /** One ICE candidate for the peer: data {call, candidate, sdpMid?, sdpMLineIndex?}. */
    CALL_ICE("call.ice"),
    /** The sender's microphone and camera: data {call, audio, video}. */
    CALL_MEDIA("call.media"),
    /** A new offer or answer during the call (an ICE restart): data {call, sdp, kind: "offer"|"answer"}. */
    CALL_RENEGOTIATE("call.renegotiate"),
    /** Join the channel's huddle (starting it when none is live): data {audio?, video?}. */
    HUDDLE_JOIN("huddle.join"),
    /** Leave the huddle: data {huddle}. */
    HUDDLE_LEAVE("huddle.leave"),
    /** My microphone, camera and screen in the huddle: data {huddle, audio, video, screen}. */
    HUDDLE_MEDIA("huddle.media"),
    /** An offer, answer or ICE candidate for one participant's device: data {huddle, to, kind, sdp | candidate…}. */
    HUDDLE_SIGNAL("huddle.signal");

    private static final Map<String, FrameType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(FrameType::wireName, Function.identity()));

    private final String wireName;

    FrameType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<FrameType> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE.get(name));
    }
}
