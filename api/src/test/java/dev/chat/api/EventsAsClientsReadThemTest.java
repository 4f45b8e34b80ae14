package dev.chat.api;

import dev.chat.api.http.Json;
import dev.chat.api.messaging.Receipts;
import dev.chat.fanout.EncodedEvent;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EnvelopeCodec;
import dev.chat.protocol.EventType;
import dev.chat.protocol.Message;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerEvents;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What api writes into an event, with its own mapper and the envelope codec, is what a Java client
 * reads back with the protocol's {@link ServerEvents}: one shape on both sides.
 */
class EventsAsClientsReadThemTest {
    private final Json json = new Json();
    private final EnvelopeCodec codec = new EnvelopeCodec(json.mapper());
    private final ServerEvents events = new ServerEvents();

    private ServerEvent roundTrip(Envelope e) {
        EncodedEvent encoded = codec.encode(e);
        return (ServerEvent) events.decode(new String(encoded.frame(), StandardCharsets.UTF_8));
    }

    @Test
    void aMessageAndTheCursorsArriveAsApiMadeThem() {
        UUID chat = UUID.randomUUID();
        UUID ana = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-22T10:15:30.123456Z");
        Message m = new Message(chat, 5, ana, "client-0005", "hello", at, at.plusSeconds(3), false, 9,
                new Message.Quote(4, ana, "before", true, null),
                new Message.Attachment(UUID.randomUUID(), "voice.ogg", 2048, "audio/ogg", "voice", null, null, false, 1500, List.of(0, 128, 255)),
                List.of(new Message.Reaction("👍", 1, List.of(ana))));
        Envelope created = Envelope.of(EventType.MESSAGE_CREATED, chat, 5L, at, json.tree(m), List.of(ana));
        assertEquals(new ServerEvent.MessageCreated(created.id(), chat, 5, at, m), roundTrip(created));

        Receipts.Cursor cursor = new Receipts.Cursor(chat, ana, 50, 48);
        Envelope receipt = Envelope.of(EventType.RECEIPT_UPDATED, chat, null, at, json.tree(cursor), List.of(ana));
        assertEquals(new ServerEvent.ReceiptUpdated(receipt.id(), chat, at, ana, 50, 48), roundTrip(receipt));

        Receipts.Minimum minimum = new Receipts.Minimum(chat, 40, 38);
        Envelope advanced = Envelope.of(EventType.RECEIPTS_ADVANCED, chat, null, at, json.tree(minimum), List.of(ana));
        assertEquals(new ServerEvent.ReceiptsAdvanced(advanced.id(), chat, at, 40, 38), roundTrip(advanced));
    }
}
