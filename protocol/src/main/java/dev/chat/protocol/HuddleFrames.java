package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Locale;
import java.util.UUID;

/**
 * The huddle frames' part of {@link ClientFrames}: their fields' rules (a huddle id, the
 * participant's session a signal is for, session descriptions and candidates under the same limits
 * as a call's, see {@link CallFrames}) and how they are written.
 */
final class HuddleFrames {
    private HuddleFrames() {
    }

    /** A huddle frame of {@code type}; throws the refusal {@code f} makes when a rule is broken. */
    static ClientFrame decode(FrameType type, String id, UUID conversation, JsonNode fields, FrameFields f) {
        if (type == FrameType.HUDDLE_JOIN) {
            Boolean audio = f.optionalBoolean("audio");
            Boolean video = f.optionalBoolean("video");
            return new ClientFrame.HuddleJoin(id, conversation, audio == null || audio, video == null || video);
        }
        UUID huddle = f.optionalUuid("huddle");
        if (huddle == null) {
            throw f.refuse("'huddle' is required: the huddle's id (a UUID).");
        }
        return switch (type) {
            case HUDDLE_LEAVE -> new ClientFrame.HuddleLeave(id, conversation, huddle);
            case HUDDLE_MEDIA -> new ClientFrame.HuddleMedia(id, conversation, huddle, flag(f, "audio"), flag(f, "video"), flag(f, "screen"));
            case HUDDLE_SIGNAL -> signal(id, conversation, huddle, fields, f);
            case PING, SEND, REACT, TYPING, READ, DELIVERED, PRESENCE, CALL_INVITE, CALL_RINGING, CALL_ANSWER, CALL_REJECT,
                 CALL_CANCEL, CALL_HANGUP, CALL_ICE, CALL_MEDIA, CALL_RENEGOTIATE, HUDDLE_JOIN ->
                    throw new IllegalArgumentException("not a huddle frame: " + type);
        };
    }

    private static ClientFrame.HuddleSignal signal(String id, UUID conversation, UUID huddle, JsonNode fields, FrameFields f) {
        UUID to = f.optionalUuid("to");
        if (to == null) {
            throw f.refuse("'to' is required: the session of the participant the signal is for.");
        }
        String kind = f.text("kind");
        return switch (kind) {
            case "offer", "answer" -> new ClientFrame.HuddleSignal(id, conversation, huddle, to,
                    kind.equals("offer") ? ClientFrame.SignalKind.OFFER : ClientFrame.SignalKind.ANSWER,
                    CallFrames.sdp(fields, f), null, null, null);
            case "ice" -> {
                ClientFrame.CallIce c = CallFrames.ice(id, conversation, huddle, fields, f);
                yield new ClientFrame.HuddleSignal(id, conversation, huddle, to, ClientFrame.SignalKind.ICE, null, c.candidate(),
                        c.sdpMid(), c.sdpMLineIndex());
            }
            default -> throw f.refuse("'kind' must be \"offer\", \"answer\" or \"ice\".");
        };
    }

    private static boolean flag(FrameFields f, String field) {
        Boolean v = f.optionalBoolean(field);
        if (v == null) {
            throw f.refuse("'" + field + "' is required: true (on) or false (off).");
        }
        return v;
    }

    static void write(JsonGenerator g, ClientFrame.HuddleJoin h) throws IOException {
        ClientFrames.head(g, FrameType.HUDDLE_JOIN, h.id(), h.conversation());
        g.writeBooleanField("audio", h.audio());
        g.writeBooleanField("video", h.video());
    }

    static void write(JsonGenerator g, ClientFrame.HuddleLeave h) throws IOException {
        head(g, FrameType.HUDDLE_LEAVE, h.id(), h.conversation(), h.huddle());
    }

    static void write(JsonGenerator g, ClientFrame.HuddleMedia h) throws IOException {
        head(g, FrameType.HUDDLE_MEDIA, h.id(), h.conversation(), h.huddle());
        g.writeBooleanField("audio", h.audio());
        g.writeBooleanField("video", h.video());
        g.writeBooleanField("screen", h.screen());
    }

    static void write(JsonGenerator g, ClientFrame.HuddleSignal h) throws IOException {
        head(g, FrameType.HUDDLE_SIGNAL, h.id(), h.conversation(), h.huddle());
        g.writeStringField("to", h.to().toString());
        g.writeStringField("kind", h.kind().name().toLowerCase(Locale.ROOT));
        if (h.kind() != ClientFrame.SignalKind.ICE) {
            g.writeStringField("sdp", h.sdp());
            return;
        }
        g.writeStringField("candidate", h.candidate());
        if (h.sdpMid() != null) {
            g.writeStringField("sdpMid", h.sdpMid());
        }
        if (h.sdpMLineIndex() != null) {
            g.writeNumberField("sdpMLineIndex", h.sdpMLineIndex());
        }
    }

    private static void head(JsonGenerator g, FrameType type, String id, UUID conversation, UUID huddle) throws IOException {
        ClientFrames.head(g, type, id, conversation);
        g.writeStringField("huddle", huddle.toString());
    }
}
