package dev.chat.api.search;

import dev.chat.api.http.ChatException;

import java.util.ArrayList;
import java.util.List;

/**
 * What a user typed in the search field, read into the parts PostgreSQL's {@code search_query}
 * takes: terms (a word, or the words of a {@code "quoted phrase"}) that must all match, prefixes
 * ({@code depl*}) and excluded terms ({@code -word}, {@code -"a phrase"}). Nothing of the text ever
 * reaches SQL but as a bound parameter, and PostgreSQL's own parser turns each part into lexemes, so
 * operators typed by the user ({@code & | ! <->}) are plain characters here. Immutable.
 *
 * @param terms    words and phrases, each to be found (all of them)
 * @param prefixes word starts, each to be found
 * @param excluded words and phrases none of which may be found
 */
public record SearchQuery(List<String> terms, List<String> prefixes, List<String> excluded) {
    /** The longest query taken, in characters. */
    public static final int MAX_LENGTH = 200;
    /** The most parts (terms, prefixes, exclusions) one query may have. */
    public static final int MAX_PARTS = 16;
    /** The shortest prefix: a one-letter prefix would match a good part of the vocabulary. */
    public static final int MIN_PREFIX = 2;

    /** A part typed twice is asked once (the same words twice would only cost a second look-up). */
    public SearchQuery {
        terms = distinct(terms);
        prefixes = distinct(prefixes);
        excluded = distinct(excluded);
    }

    private static List<String> distinct(List<String> parts) {
        return List.copyOf(new java.util.LinkedHashSet<>(parts.stream().map(p -> p.toLowerCase(java.util.Locale.ROOT)).toList()));
    }

    /** No words to find: only filters decide. */
    public boolean isEmpty() {
        return terms.isEmpty() && prefixes.isEmpty();
    }

    /**
     * More than one word to match together (several terms, a phrase, a word PostgreSQL splits) or a
     * prefix: queries whose matches PostgreSQL estimates as if each word were independent of the
     * others, often a hundred times too many.
     */
    boolean joinsWords() {
        return !prefixes.isEmpty() || terms.size() > 1 || terms.stream().anyMatch(t -> !t.matches("[\\p{L}\\p{N}]+"));
    }

    /** The same query without its exclusions (what the snippet highlights). */
    SearchQuery positive() {
        return new SearchQuery(terms, prefixes, List.of());
    }

    /**
     * Reads {@code q} (already stripped, at most {@link #MAX_LENGTH} characters). Whitespace
     * separates parts; a double quote opens a phrase up to the next one (or the end); a leading
     * {@code -} excludes the part; a trailing {@code *} on a word makes it a prefix.
     *
     * @throws ChatException validation_failed for exclusions alone, too many parts, or a prefix too short
     */
    public static SearchQuery parse(String q) {
        List<String> terms = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            if (Character.isWhitespace(q.charAt(i))) {
                i++;
                continue;
            }
            boolean exclude = q.charAt(i) == '-' && i + 1 < n && !Character.isWhitespace(q.charAt(i + 1));
            if (exclude) {
                i++;
            }
            String part;
            boolean phrase = q.charAt(i) == '"';
            if (phrase) {
                int close = q.indexOf('"', i + 1);
                int end = close < 0 ? n : close;
                part = q.substring(i + 1, end).strip();
                i = close < 0 ? n : close + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(q.charAt(end)) && q.charAt(end) != '"') {
                    end++;
                }
                part = q.substring(i, end);
                i = end;
            }
            if (part.isEmpty()) {
                continue;
            }
            if (!phrase && !exclude && part.endsWith("*")) {
                String start = part.replaceAll("\\*+$", "");
                if (start.codePointCount(0, start.length()) < MIN_PREFIX) {
                    throw ChatException.validation("A prefix needs at least " + MIN_PREFIX + " characters before the '*'.");
                }
                prefixes.add(start);
            } else {
                (exclude ? excluded : terms).add(part);
            }
        }
        if (terms.size() + prefixes.size() + excluded.size() > MAX_PARTS) {
            throw ChatException.validation("'q' may hold at most " + MAX_PARTS + " words, phrases and prefixes.");
        }
        if (terms.isEmpty() && prefixes.isEmpty() && !excluded.isEmpty()) {
            throw ChatException.validation("'q' needs a word to find, not only words to leave out.");
        }
        return new SearchQuery(terms, prefixes, excluded);
    }
}
