package dev.chat.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * What a ws-node learns of a client frame from {@link ClientFrames#peek}: enough to answer it
 * itself (a ping, or a refusal) or to hand it to api as it came, nothing more. The node switches
 * over this sealed set without {@code default}.
 */
public sealed interface Peeked permits ClientFrame.Ping, Peeked.ForApi, ClientFrame.Refused {
    /** The client's frame id, echoed in the reply ("" if it sent none). */
    String id();

    /**
     * A frame for api (send, react, typing, read, delivered, call.*) about one conversation, with a
     * non-empty id; api reads the rest of it ({@link ClientFrames#decode}).
     */
    record ForApi(String id, FrameType type, UUID conversation) implements Peeked {
        public ForApi {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(conversation, "conversation");
        }
    }
}
