package dev.chat.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiTest {
    @ParameterizedTest
    @ValueSource(strings = {"👍", "❤️", "❤", "😂", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©️", "🫠", "✅"})
    void oneEmojiIsAccepted(String emoji) {
        assertTrue(Emoji.isOne(emoji), emoji);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "1", "#", "©", "👍👍", "👍 ", " 👍", "<b>", "🇫", "🇫🇷🇩🇪", "ok", "\u200D", "\uFE0F", "👍\u200D", "👍\u200D\u200D👍", "👍\u200D🏽", "👍🏽🏽", "👍\uFE0F\uFE0F",
            "😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂"})
    void anythingElseIsRefused(String notOne) {
        assertFalse(Emoji.isOne(notOne), notOne);
    }
}
