package dev.chat.api.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The part of a message shown in a result, and where the matched words are in it. PostgreSQL marks
 * the matches ({@code ts_headline} with {@link #START} and {@link #STOP} around each, over the whole
 * text); here the marks become offsets, and a window of at most {@link #MAX} characters is cut around
 * the best run of matches. Message text can never hold the marks (control characters are refused in
 * every text), so they are unambiguous; a marked text that does not spell the message is ignored
 * rather than trusted. Offsets are UTF-16 code units, as JavaScript strings count. Stateless.
 */
final class Snippets {
    /** Where ts_headline starts and ends a match. */
    static final char START = '\u0001';
    static final char STOP = '\u0002';
    /** The longest snippet, without the ellipses. */
    static final int MAX = 200;
    /** How much text to keep before the first match of the window. */
    private static final int CONTEXT = 60;
    /** How far a cut may move to fall between words. */
    private static final int SNAP = 24;
    private static final String ELLIPSIS = "…";

    /** A snippet and the [start, end) offsets of the matches in it. */
    record Snippet(String text, List<int[]> highlights) {
    }

    private Snippets() {
    }

    /** The snippet of {@code body}, the matches taken from each marked copy of it (null or unreadable ones skipped). */
    static Snippet of(String body, List<String> marked) {
        List<int[]> matches = new ArrayList<>();
        for (String m : marked) {
            if (m != null) {
                matches.addAll(ranges(body, m));
            }
        }
        return cut(body, merge(matches));
    }

    /** The ranges a marked copy puts around words of {@code body}; none when the copy does not spell the body. */
    static List<int[]> ranges(String body, String marked) {
        List<int[]> out = new ArrayList<>();
        int at = 0;
        int open = -1;
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == START) {
                open = at;
            } else if (c == STOP) {
                if (open >= 0 && at > open) {
                    out.add(new int[] {open, at});
                }
                open = -1;
            } else {
                if (at >= body.length() || body.charAt(at) != c) {
                    return List.of();
                }
                at++;
            }
        }
        return at == body.length() ? out : List.of();
    }

    /** Sorted, overlapping or touching ranges joined. */
    static List<int[]> merge(List<int[]> ranges) {
        List<int[]> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt((int[] r) -> r[0]).thenComparingInt(r -> r[1]));
        List<int[]> out = new ArrayList<>();
        for (int[] r : sorted) {
            int[] last = out.isEmpty() ? null : out.getLast();
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new int[] {r[0], r[1]});
            }
        }
        return out;
    }

    /** The window of {@code body} holding the most matches (the first such), cut between words. */
    static Snippet cut(String body, List<int[]> matches) {
        int n = body.length();
        if (n <= MAX) {
            return new Snippet(body, matches);
        }
        int bestStart = 0;
        int bestCount = -1;
        for (int[] m : matches) {
            int start = Math.clamp(m[0] - CONTEXT, 0, n - MAX);
            int count = 0;
            for (int[] o : matches) {
                if (o[0] >= start && o[1] <= start + MAX) {
                    count++;
                }
            }
            if (count > bestCount) {
                bestCount = count;
                bestStart = start;
            }
        }
        int firstMatch = n;
        int lastMatch = 0;
        for (int[] m : matches) {
            if (m[0] >= bestStart && m[1] <= bestStart + MAX) {
                firstMatch = Math.min(firstMatch, m[0]);
                lastMatch = Math.max(lastMatch, m[1]);
            }
        }
        int start = snapStart(body, bestStart, firstMatch);
        int end = snapEnd(body, bestStart + MAX, lastMatch);
        String prefix = start > 0 ? ELLIPSIS : "";
        String text = prefix + body.substring(start, end) + (end < n ? ELLIPSIS : "");
        List<int[]> inside = new ArrayList<>();
        for (int[] m : matches) {
            if (m[0] >= start && m[1] <= end) {
                inside.add(new int[] {m[0] - start + prefix.length(), m[1] - start + prefix.length()});
            }
        }
        return new Snippet(text, inside);
    }

    /** A start moved forward past the next space (not past {@code limit}), never inside a surrogate pair. */
    private static int snapStart(String body, int start, int limit) {
        if (start > 0) {
            for (int i = start; i < Math.min(start + SNAP, limit); i++) {
                if (Character.isWhitespace(body.charAt(i))) {
                    start = i + 1;
                    break;
                }
            }
        }
        if (start > 0 && start < body.length() && Character.isLowSurrogate(body.charAt(start))) {
            start++;
        }
        return start;
    }

    /** An end moved back to the last space (not before {@code limit}), never inside a surrogate pair. */
    private static int snapEnd(String body, int end, int limit) {
        if (end < body.length()) {
            for (int i = end - 1; i > Math.max(end - SNAP, limit); i--) {
                if (Character.isWhitespace(body.charAt(i))) {
                    end = i;
                    break;
                }
            }
        }
        if (end < body.length() && end > 0 && Character.isHighSurrogate(body.charAt(end - 1))) {
            end--;
        }
        return end;
    }
}
