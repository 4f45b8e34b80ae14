package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.UUID;

/**
 * The call frames' part of {@link ClientFrames}: their fields' rules (a call id, a session
 * description of at most {@link ClientFrame#MAX_SDP} characters taken as it came, never stripped,
 * an ICE candidate of at most {@link ClientFrame#MAX_CANDIDATE}) and how they are written.
 */
final class CallFrames {
    private CallFrames() {
    }

    /** A call frame of {@code type}; throws the refusal {@code f} makes when a rule is broken. */
    static ClientFrame decode(FrameType type, String id, UUID conversation, JsonNode fields, FrameFields f) {
        UUID call = f.optionalUuid("call");
        if (call == null) {
            throw f.refuse("'call' is required: the call's id (a UUID).");
        }
        return switch (type) {
            case CALL_INVITE -> {
                String sdp = sdp(fields, f);
                Boolean video = f.optionalBoolean("video");
                if (video == null) {
                    throw f.refuse("'video' is required: true for a video call, false for voice only.");
                }
                yield new ClientFrame.CallInvite(id, conversation, call, sdp, video);
            }
            case CALL_ANSWER -> new ClientFrame.CallAnswer(id, conversation, call, sdp(fields, f));
            case CALL_RINGING, CALL_REJECT, CALL_CANCEL, CALL_HANGUP -> new ClientFrame.CallStep(id, conversation, call, type);
            case CALL_ICE -> ice(id, conversation, call, fields, f);
            case CALL_MEDIA -> new ClientFrame.CallMedia(id, conversation, call, flag(f, "audio"), flag(f, "video"));
            case CALL_RENEGOTIATE -> {
                String kind = f.text("kind");
                if (!kind.equals("offer") && !kind.equals("answer")) {
                    throw f.refuse("'kind' must be \"offer\" or \"answer\".");
                }
                yield new ClientFrame.CallRenegotiate(id, conversation, call, sdp(fields, f), kind.equals("offer"));
            }
            case PING, SEND, REACT, TYPING, READ, DELIVERED, PRESENCE, HUDDLE_JOIN, HUDDLE_LEAVE, HUDDLE_MEDIA, HUDDLE_SIGNAL -> throw new IllegalArgumentException("not a call frame: " + type);
        };
    }

    static ClientFrame.CallIce ice(String id, UUID conversation, UUID call, JsonNode fields, FrameFields f) {
        JsonNode candidate = fields.get("candidate");
        if (candidate == null || !candidate.isTextual()) {
            throw f.refuse("'candidate' is required: the candidate line (a string; \"\" when there are no more).");
        }
        String line = candidate.textValue();
        if (line.length() > ClientFrame.MAX_CANDIDATE || FrameFields.hasForbiddenControl(line) || line.contains("\n")) {
            throw f.refuse("'candidate' must be one line of at most " + ClientFrame.MAX_CANDIDATE + " characters.");
        }
        String mid = f.optionalString("sdpMid", 0, 64).orElse(null);
        Long index = f.optionalLong("sdpMLineIndex", 0, 1023);
        return new ClientFrame.CallIce(id, conversation, call, line, mid, index == null ? null : index.intValue());
    }

    /** A session description as the browser wrote it: line breaks kept, nothing stripped. */
    static String sdp(JsonNode fields, FrameFields f) {
        JsonNode v = fields.get("sdp");
        if (v == null || !v.isTextual()) {
            throw f.refuse("'sdp' is required: the session description (a string).");
        }
        String sdp = v.textValue();
        if (sdp.length() > ClientFrame.MAX_SDP) {
            throw f.refuse("'sdp' must be at most " + ClientFrame.MAX_SDP + " characters.");
        }
        if (!sdp.startsWith("v=0") || FrameFields.hasForbiddenControl(sdp)) {
            throw f.refuse("'sdp' must be a session description (it starts with \"v=0\").");
        }
        return sdp;
    }

    private static boolean flag(FrameFields f, String field) {
        Boolean v = f.optionalBoolean(field);
        if (v == null) {
            throw f.refuse("'" + field + "' is required: true (on) or false (off).");
        }
        return v;
    }

    static void write(JsonGenerator g, ClientFrame.CallInvite c) throws IOException {
        head(g, FrameType.CALL_INVITE, c.id(), c.conversation(), c.call());
        g.writeStringField("sdp", c.sdp());
        g.writeBooleanField("video", c.video());
    }

    static void write(JsonGenerator g, ClientFrame.CallAnswer c) throws IOException {
        head(g, FrameType.CALL_ANSWER, c.id(), c.conversation(), c.call());
        g.writeStringField("sdp", c.sdp());
    }

    static void write(JsonGenerator g, ClientFrame.CallStep c) throws IOException {
        head(g, c.step(), c.id(), c.conversation(), c.call());
    }

    static void write(JsonGenerator g, ClientFrame.CallIce c) throws IOException {
        head(g, FrameType.CALL_ICE, c.id(), c.conversation(), c.call());
        g.writeStringField("candidate", c.candidate());
        if (c.sdpMid() != null) {
            g.writeStringField("sdpMid", c.sdpMid());
        }
        if (c.sdpMLineIndex() != null) {
            g.writeNumberField("sdpMLineIndex", c.sdpMLineIndex());
        }
    }

    static void write(JsonGenerator g, ClientFrame.CallRenegotiate c) throws IOException {
        head(g, FrameType.CALL_RENEGOTIATE, c.id(), c.conversation(), c.call());
        g.writeStringField("sdp", c.sdp());
        g.writeStringField("kind", c.offer() ? "offer" : "answer");
    }

    static void write(JsonGenerator g, ClientFrame.CallMedia c) throws IOException {
        head(g, FrameType.CALL_MEDIA, c.id(), c.conversation(), c.call());
        g.writeBooleanField("audio", c.audio());
        g.writeBooleanField("video", c.video());
    }

    private static void head(JsonGenerator g, FrameType type, String id, UUID conversation, UUID call) throws IOException {
        ClientFrames.head(g, type, id, conversation);
        g.writeStringField("call", call.toString());
    }
}
