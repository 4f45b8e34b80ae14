package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes {@link ServerFrame}s as the JSON text frames clients read (docs/PROTOCOL.md), field by
 * field with a streaming generator: no tree is built, and an ack's result is written straight
 * from its object by the given mapper. Thread-safe.
 */
public final class ServerFrames {
    private final ObjectMapper mapper;

    /** {@code mapper} writes acks' results (so it knows their types, e.g. java.time). */
    public ServerFrames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String encode(ServerFrame frame) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            switch (frame) {
                case ServerFrame.Welcome w -> welcome(g, w);
                case ServerFrame.Pong p -> {
                    g.writeStringField("type", ServerFrame.PONG);
                    g.writeStringField("id", p.id());
                }
                case ServerFrame.Ack a -> ack(g, a);
                case ServerFrame.Error e -> error(g, e);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a " + frame.getClass().getSimpleName() + " frame", e);
        }
        return out.toString();
    }

    private static void welcome(JsonGenerator g, ServerFrame.Welcome w) throws IOException {
        g.writeStringField("type", ServerFrame.WELCOME);
        g.writeNumberField("v", ServerFrame.VERSION);
        g.writeStringField("node", w.node());
        g.writeStringField("session", w.session().toString());
        g.writeNumberField("heartbeatSeconds", w.heartbeatSeconds());
        g.writeObjectFieldStart("user");
        g.writeStringField("id", w.userId().toString());
        g.writeStringField("username", w.username());
        g.writeEndObject();
    }

    private static void ack(JsonGenerator g, ServerFrame.Ack a) throws IOException {
        g.writeStringField("type", ServerFrame.ACK);
        g.writeStringField("id", a.id());
        if (a.seq() != null) {
            g.writeNumberField("seq", a.seq());
        }
        g.writeFieldName("result");
        g.writeObject(a.result());
    }

    private static void error(JsonGenerator g, ServerFrame.Error e) throws IOException {
        g.writeStringField("type", ServerFrame.ERROR);
        g.writeStringField("id", e.id());
        g.writeStringField("code", e.code().code());
        g.writeStringField("detail", e.detail());
        if (e.retryAfter() != null) {
            g.writeNumberField("retryAfter", e.retryAfter());
        }
    }
}
