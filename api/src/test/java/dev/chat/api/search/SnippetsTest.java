package dev.chat.api.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnippetsTest {
    private static final char S = Snippets.START;
    private static final char E = Snippets.STOP;

    private static List<String> marked(Snippets.Snippet s) {
        List<String> out = new ArrayList<>();
        s.highlights().forEach(h -> out.add(s.text().substring(h[0], h[1])));
        return out;
    }

    @Test
    void marksBecomeOffsetsAndTwoMarkingsAreJoined() {
        String body = "Running late, deploying now";
        Snippets.Snippet s = Snippets.of(body, List.of(S + "Running" + E + " late, " + S + "deploying" + E + " now",
                "Running late, " + S + "deploying" + E + " now"));
        assertEquals(body, s.text());
        assertEquals(List.of("Running", "deploying"), marked(s));
    }

    @Test
    void aMarkedCopyThatDoesNotSpellTheTextIsIgnored() {
        Snippets.Snippet s = Snippets.of("hello world", java.util.Arrays.asList(S + "hello" + E + " there", null));
        assertEquals(List.of(), s.highlights());
    }

    @Test
    void longTextIsCutBetweenWordsAroundTheBestRun() {
        String body = "alpha ".repeat(60) + "one 😀 match and another match here " + "omega ".repeat(60);
        int first = body.indexOf("match");
        int second = body.indexOf("match", first + 1);
        Snippets.Snippet s = Snippets.cut(body, List.of(new int[] {first, first + 5}, new int[] {second, second + 5}));
        assertTrue(s.text().startsWith("…alpha") && s.text().endsWith("…"), s.text());
        assertTrue(s.text().length() <= Snippets.MAX + 2);
        assertEquals(List.of("match", "match"), marked(s));
        assertTrue(s.text().substring(1, s.text().length() - 1).strip().equals(s.text().substring(1, s.text().length() - 1)),
                "cut at spaces, not inside words: " + s.text());
    }

    @Test
    void neverSplitsASurrogatePair() {
        String body = "😀".repeat(150) + " x " + "😀".repeat(150);
        int x = body.indexOf(" x ") + 1;
        Snippets.Snippet s = Snippets.cut(body, List.of(new int[] {x, x + 1}));
        String inner = s.text().substring(1, s.text().length() - 1);
        assertTrue(!Character.isLowSurrogate(inner.charAt(0)) && !Character.isHighSurrogate(inner.charAt(inner.length() - 1)));
        assertEquals(List.of("x"), marked(s));
    }

    @Test
    void withoutMatchesTheStartIsShown() {
        String body = "word ".repeat(100);
        Snippets.Snippet s = Snippets.cut(body, List.of());
        assertTrue(s.text().startsWith("word") && s.text().endsWith("…"));
    }
}
