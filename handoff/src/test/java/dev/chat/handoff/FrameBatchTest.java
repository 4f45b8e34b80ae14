package dev.chat.handoff;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameBatchTest {
    @Test
    void framesTravelAsTheyCameWithTheirIdentity() {
        UUID user = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        // new lines, multi-byte characters and a frame that is not even JSON: bytes are bytes
        byte[] a = "{\"type\":\"send\",\"text\":\"line one\\nline two 👍\"}".getBytes(StandardCharsets.UTF_8);
        byte[] b = "not json\n\n".getBytes(StandardCharsets.UTF_8);
        List<FrameBatch.Item> decoded = FrameBatch.decode(FrameBatch.encode(List.of(
                new FrameBatch.Item(user, session, "abc123", a), new FrameBatch.Item(user, session, null, b))));
        assertEquals(2, decoded.size());
        assertEquals(user, decoded.get(0).user());
        assertEquals(session, decoded.get(0).session());
        assertEquals("abc123", decoded.get(0).trace());
        assertArrayEquals(a, decoded.get(0).frame());
        assertNull(decoded.get(1).trace());
        assertArrayEquals(b, decoded.get(1).frame());
    }

    @Test
    void answersKeepTheirOrderAndNoneIsNull() {
        List<String> answers = Arrays.asList("{\"type\":\"ack\",\"id\":\"f1\"}", null, "é\n");
        assertEquals(answers, FrameBatch.decodeAnswers(FrameBatch.encodeAnswers(answers), 3));
    }

    @Test
    void aTruncatedOrForgedBatchIsRefused() {
        byte[] good = FrameBatch.encode(List.of(new FrameBatch.Item(UUID.randomUUID(), UUID.randomUUID(), "t",
                "{}".getBytes(StandardCharsets.UTF_8))));
        assertThrows(IllegalArgumentException.class, () -> FrameBatch.decode(Arrays.copyOf(good, good.length - 2)));
        assertThrows(IllegalArgumentException.class, () -> FrameBatch.decode("1\nnot-a-uuid x - 2\n{}\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> FrameBatch.decode("-1\n".getBytes(StandardCharsets.UTF_8)));
    }
}
