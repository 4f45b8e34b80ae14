package dev.chat.api.search;

import dev.chat.api.http.ChatException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchQueryTest {
    @Test
    void wordsPhrasesPrefixesAndExclusions() {
        SearchQuery q = SearchQuery.parse("deploy  \"new build\" frid* -staging -\"dry run\" user_id");
        assertEquals(List.of("deploy", "new build", "user_id"), q.terms());
        assertEquals(List.of("frid"), q.prefixes());
        assertEquals(List.of("staging", "dry run"), q.excluded());
    }

    @Test
    void operatorsAndOddCharactersStayPlainText() {
        SearchQuery q = SearchQuery.parse("a&b !c (d|e) f<->g ':x - x-y");
        assertEquals(List.of("a&b", "!c", "(d|e)", "f<->g", "':x", "-", "x-y"), q.terms());
        assertTrue(q.excluded().isEmpty());
    }

    @Test
    void anUnclosedQuoteRunsToTheEnd() {
        assertEquals(List.of("one", "two three"), SearchQuery.parse("one \"two three").terms());
        assertTrue(SearchQuery.parse("\"\"  \"   \"").isEmpty(), "empty phrases are nothing");
    }

    @Test
    void refusals() {
        assertThrows(ChatException.class, () -> SearchQuery.parse("a*"), "a prefix of one character");
        assertThrows(ChatException.class, () -> SearchQuery.parse("-only -exclusions"));
        assertThrows(ChatException.class, () -> SearchQuery.parse("a b c d e f g h i j k l m n o p q"), "17 parts");
        assertEquals(16, SearchQuery.parse("a b c d e f g h i j k l m n o p").terms().size());
    }

    @Test
    void aPartTypedTwiceIsAskedOnce() {
        assertEquals(List.of("was"), SearchQuery.parse("was WAS was").terms());
    }

    @Test
    void blankIsEmpty() {
        assertTrue(SearchQuery.parse("").isEmpty());
        assertTrue(SearchQuery.parse("   ").isEmpty());
    }

    @Test
    void severalWordsPhrasesAndPrefixesJoinWordsOneWordDoesNot() {
        assertFalse(SearchQuery.parse("deploy").joinsWords());
        assertFalse(SearchQuery.parse("deploy -staging").joinsWords());
        assertTrue(SearchQuery.parse("deploy friday").joinsWords());
        assertTrue(SearchQuery.parse("\"new build\"").joinsWords());
        assertTrue(SearchQuery.parse("depl*").joinsWords());
        assertTrue(SearchQuery.parse("e-mail").joinsWords());
    }
}
