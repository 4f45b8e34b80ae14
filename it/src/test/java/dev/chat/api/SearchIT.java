package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message search (issue 19) against real PostgreSQL: what the query language finds, how results
 * rank, every filter, what a reader may never find (cleared, hidden, deleted, edited, left, not a
 * member), paging by cursor across relevance windows, snippets and highlights, bad input; and
 * conversations found by name, people by any part of their name.
 */
@ExtendWith(ChatServers.class)
class SearchIT {
    private static JsonNode search(TestClient who, String query) {
        TestClient.Response r = who.get("/api/search/messages?" + query);
        assertEquals(200, r.status(), query + " -> " + r.raw());
        return r.body();
    }

    /** The texts found for {@code q}, in the order given. */
    private static List<String> texts(TestClient who, String q) {
        List<String> out = new ArrayList<>();
        search(who, "q=" + enc(q)).get("results").forEach(r -> out.add(r.at("/message/text").asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void send(TestClient who, UUID chat, String text) {
        assertEquals(201, who.send(chat, UUID.randomUUID().toString(), text).status());
    }

    @Test
    void wordsPhrasesPrefixesAndExclusionsFindWhatTheySay(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        send(ana, chat, "We deploy the new build on Friday");
        send(ana, chat, "deploying now, watch the dashboard");
        send(ana, chat, "the quick brown fox");
        send(ana, chat, "fox jumps. the quick");
        send(ana, chat, "user_id is null in the O'Brien ticket");
        send(ana, chat, "quick thinking saves the day");

        assertEquals(Set.of("We deploy the new build on Friday", "deploying now, watch the dashboard"),
                Set.copyOf(texts(ana, "deploy")), "a word finds its other forms (English stems)");
        assertEquals(Set.of("We deploy the new build on Friday", "deploying now, watch the dashboard"),
                Set.copyOf(texts(ana, "depl*")), "a prefix");
        assertEquals(List.of("We deploy the new build on Friday"), texts(ana, "friday deploy"), "all words, any order");
        assertEquals(List.of("the quick brown fox"), texts(ana, "\"brown fox\""), "a phrase");
        assertEquals(Set.of("the quick brown fox", "fox jumps. the quick"), Set.copyOf(texts(ana, "\"the quick\"")),
                "a phrase holds its short words too (\"the\" is no English word to search, but it is written)");
        assertEquals(List.of(), texts(ana, "\"quick fox\""),
                "a phrase is words next to each other: not across words, nor across the end of a text and its start");
        assertEquals(Set.of("the quick brown fox", "fox jumps. the quick"), Set.copyOf(texts(ana, "QUICK fox")), "case-insensitive");
        assertEquals(List.of("the quick brown fox"), texts(ana, "fox -jumps"), "an exclusion");
        assertEquals(List.of("the quick brown fox"), texts(ana, "fox -\"jumps the\""), "an excluded phrase");
        assertEquals(List.of("user_id is null in the O'Brien ticket"), texts(ana, "user_id"), "code");
        assertEquals(List.of("user_id is null in the O'Brien ticket"), texts(ana, "o'brien"), "names");
        assertEquals(6, texts(ana, "the").size(), "stop words match as written");
        assertEquals(List.of(), texts(ana, "?!"), "punctuation alone finds nothing");
        assertEquals(List.of(), texts(ana, "& | ! <-> ( ) : '"), "query operators are plain characters");

        JsonNode r = search(ana, "q=deploying").get("results");
        for (JsonNode hit : r) {
            String snippet = hit.get("snippet").asText();
            assertEquals(hit.at("/message/text").asText(), snippet, "a short text is its own snippet");
            List<String> marked = new ArrayList<>();
            hit.get("highlights").forEach(h -> marked.add(snippet.substring(h.get(0).asInt(), h.get(1).asInt())));
            assertEquals(snippet.startsWith("We") ? List.of("deploy") : List.of("deploying"), marked, "the matched words, by stem or as written");
        }
    }

    @Test
    void closerShorterAndExactMatchesRankFirstTiesNewestFirst(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        send(ana, chat, "the database migration finished");
        send(ana, chat, "database is fine but the move of the mail server to the other building made the migration late");
        send(ana, chat, "deployed tonight");
        send(ana, chat, "deploy tonight");
        send(ana, chat, "lunch at noon");
        send(ana, chat, "lunch at noon");

        assertEquals(List.of("the database migration finished",
                        "database is fine but the move of the mail server to the other building made the migration late"),
                texts(ana, "database migration"));
        assertEquals(List.of("deploy tonight", "deployed tonight"), texts(ana, "deploy"), "the form typed outranks another form");
        JsonNode ties = search(ana, "q=lunch").get("results");
        assertEquals(6, ties.get(0).get("seq").asLong(), "equal ranks: newest first");
        assertEquals(5, ties.get(1).get("seq").asLong());
        JsonNode recent = search(ana, "q=" + enc("database migration") + "&sort=recent").get("results");
        assertEquals(2, recent.get(0).get("seq").asLong(), "sort=recent: newest first whatever the rank");
    }

    @Test
    void everyFilterNarrowsTheResults(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.signUp(stack.apiUrl(), "cyd");
        UUID withBob = ana.openDirect("bob");
        UUID withCyd = ana.openDirect("cyd");
        send(ana, withBob, "report one, see https://example.com/report");
        send(bob, withBob, "report two");
        send(ana, withCyd, "report three");
        attach(ana, withBob, "report.png", png(), "image/png", "report four");
        attach(ana, withBob, "report.txt", "plain words".getBytes(StandardCharsets.UTF_8), "text/plain", "report five");
        try (Connection sql = stack.sql(); PreparedStatement st = sql.prepareStatement(
                "UPDATE messages SET created_at = ?::timestamptz WHERE conversation_id = ?::uuid AND seq = 2")) {
            st.setString(1, "2026-01-31T12:00:00Z");
            st.setString(2, withBob.toString());
            st.executeUpdate();
        }

        assertEquals(5, texts(ana, "report").size());
        assertEquals(Set.of(2L), seqs(ana, "q=report&conversation=" + withBob + "&from=bob"));
        assertEquals(Set.of("report three"), textSet(ana, "q=report&conversation=" + withCyd));
        assertEquals(Set.of("report two"), textSet(ana, "q=report&from=BOB"));
        assertEquals(Set.of(), textSet(ana, "q=report&from=nobody_at_all"), "an unknown sender finds nothing");
        assertEquals(Set.of("report two"), textSet(ana, "q=report&after=2026-01-31&before=2026-02-01"), "dates are whole days (UTC)");
        assertEquals(Set.of("report two"), textSet(ana, "q=report&before=2026-01-31T12:00:01Z"));
        assertEquals(Set.of(), textSet(ana, "q=report&before=2026-01-31T12:00:00Z"), "before is exclusive");
        assertEquals(4, textSet(ana, "q=report&after=2026-02-01").size());
        assertEquals(Set.of("report one, see https://example.com/report"), textSet(ana, "q=report&has=link"));
        assertEquals(Set.of("report four"), textSet(ana, "q=report&has=image"));
        assertEquals(Set.of("report four", "report five"), textSet(ana, "q=report&has=file"));
        assertEquals(Set.of(), textSet(ana, "q=report&has=image&has=link"), "every has must hold");
        assertEquals(Set.of("report four", "report five"), textSet(ana, "has=file"), "filters alone, without words");
        JsonNode noWords = search(ana, "has=file").get("results");
        assertEquals(4, noWords.get(0).get("seq").asLong(), "without words: newest first");
        assertEquals(0, noWords.get(0).get("highlights").size());
        assertEquals("image", noWords.get(1).at("/message/attachment/kind").asText(), "results carry the whole message");

        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        TestClient.Response stranger = eve.get("/api/search/messages?q=report&conversation=" + withBob);
        assertEquals(404, stranger.status());
        assertEquals("conversation_not_found", stranger.body().get("code").asText());
    }

    @Test
    void onlyWhatTheReaderCanSeeIsFound(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        send(ana, chat, "walrus one");
        send(bob, chat, "walrus two");
        send(ana, chat, "walrus three");
        send(ana, chat, "a tpyo here");
        assertEquals(3, texts(bob, "walrus").size());
        assertEquals(List.of(), texts(eve, "walrus"), "not a member: nothing");

        // hidden for me: gone for me only
        assertEquals(200, ana.post("/api/conversations/" + chat + "/messages/2/hide", null).status());
        assertEquals(Set.of("walrus one", "walrus three"), Set.copyOf(texts(ana, "walrus")));
        assertEquals(3, texts(bob, "walrus").size());
        // deleted: gone for everyone
        assertEquals(200, ana.delete("/api/conversations/" + chat + "/messages/3").status());
        assertEquals(Set.of("walrus one", "walrus two"), Set.copyOf(texts(bob, "walrus")));
        // edited: found by its new text only
        assertEquals(200, TestClient.request(ana.apiUrl, "PATCH", "/api/conversations/" + chat + "/messages/4", ana.token,
                "{\"text\":\"a typo fixed\"}").status());
        assertEquals(List.of(), texts(bob, "tpyo"), "the old text is not found");
        assertEquals(List.of("a typo fixed"), texts(bob, "typo"));
        // cleared: what came before is gone for me, what comes after is found
        assertEquals(200, bob.post("/api/conversations/" + chat + "/clear", null).status());
        assertEquals(List.of(), texts(bob, "walrus"));
        send(ana, chat, "walrus four");
        assertEquals(List.of("walrus four"), texts(bob, "walrus"));
        assertEquals(Set.of("walrus one", "walrus four"), Set.copyOf(texts(ana, "walrus")), "clearing is for the one who cleared");

        // left: a member who leaves a group finds nothing of its channels, old or new
        JsonNode group = ana.post("/api/groups", "{\"name\":\"Walrus club\"}").body();
        String channel = group.at("/channels/0/id").asText();
        ana.post("/api/groups/" + group.get("id").asText() + "/members", "{\"username\":\"bob\"}");
        send(ana, UUID.fromString(channel), "walrus in the channel");
        assertTrue(texts(bob, "walrus").contains("walrus in the channel"));
        assertEquals(204, bob.delete("/api/groups/" + group.get("id").asText() + "/members/" + bob.id).status());
        send(ana, UUID.fromString(channel), "walrus after bob left");
        assertEquals(List.of("walrus four"), texts(bob, "walrus"));
        assertEquals(404, bob.get("/api/search/messages?q=walrus&conversation=" + channel).status());
    }

    @Test
    void cursorsPageThroughEveryMatchOnceAcrossRelevanceWindows(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        int n = 1_234; // more than two windows of 500
        insertMessages(stack, chat, bob, n,
                "'pelican ' || repeat('pelican ', i % 7) || CASE WHEN i % 3 = 0 THEN 'heron' ELSE 'gull' END");
        for (String query : List.of("q=pelican&limit=50", "q=pelican&limit=37&sort=recent", "q=heron&limit=50", "from=bob&limit=50")) {
            List<Long> seen = allSeqs(ana, query);
            int expected = query.contains("heron") ? n / 3 : n;
            assertEquals(expected, new HashSet<>(seen).size(), query + ": every match found");
            assertEquals(expected, seen.size(), query + ": none twice");
        }
        JsonNode first = search(ana, "q=pelican&limit=5");
        TestClient.Response other = ana.get("/api/search/messages?q=gull&cursor=" + enc(first.get("next").asText()));
        assertEquals(400, other.status(), "a cursor belongs to its query");
        assertEquals(400, ana.get("/api/search/messages?q=pelican&sort=recent&cursor=" + enc(first.get("next").asText())).status());
        assertEquals(400, ana.get("/api/search/messages?q=pelican&cursor=bm90LWEtY3Vyc29y").status());
    }

    @Test
    void matchesFarBackAreFoundInOrderOnBothSidesOfTheLine(ChatServers.Stack stack) throws Exception {
        // a search of one word reads the newest messages backwards or takes its matches from the
        // index, as PostgreSQL estimates best; one of several words, a phrase or a prefix runs in two
        // parts (SearchStore.newestMatches): the newest 500 messages here (chat.search.reach of the
        // test stack) backwards, then the rest from the index. Matches on both sides of that line,
        // in one page and across pages, each once.
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        int n = 25_000;
        insertMessages(stack, chat, bob, n, """
                CASE WHEN i <= 3 THEN 'albatross oldest ' || i WHEN i % 1000 = 0 THEN 'albatross flies ' || i
                     ELSE 'filler ' || i END""");
        List<Long> expected = new ArrayList<>();
        for (long seq = n; seq >= 1000; seq -= 1000) {
            expected.add(seq);
        }
        List<Long> flying = List.copyOf(expected);
        expected.addAll(List.of(3L, 2L, 1L));
        assertEquals(expected, allSeqs(ana, "q=albatross&sort=recent&limit=7"), "newest first, across the line");
        assertEquals(expected, allSeqs(ana, "q=albatross&sort=recent&limit=50"), "in one page");
        assertEquals(expected, allSeqs(ana, "q=" + enc("albatro*") + "&sort=recent&limit=50"), "a prefix, in one page");
        assertEquals(expected, allSeqs(ana, "q=" + enc("albatro*") + "&sort=recent&limit=4"), "a prefix, page by page");
        assertEquals(new HashSet<>(expected), new HashSet<>(allSeqs(ana, "q=" + enc("albatro*") + "&limit=50")),
                "a prefix, ranked");
        List<Long> ranked = allSeqs(ana, "q=albatross&limit=10");
        assertEquals(new HashSet<>(expected), new HashSet<>(ranked), "ranked: every match");
        assertEquals(expected.size(), ranked.size(), "ranked: none twice");
        assertEquals(flying, allSeqs(ana, "q=" + enc("\"albatross flies\"") + "&sort=recent&limit=6"), "a phrase on both sides");
        List<Long> phraseRanked = allSeqs(ana, "q=" + enc("\"albatross flies\"") + "&limit=6");
        assertEquals(new HashSet<>(flying), new HashSet<>(phraseRanked), "a phrase, ranked: every match");
        assertEquals(flying.size(), phraseRanked.size(), "a phrase, ranked: none twice");
        assertEquals(List.of(3L, 2L, 1L), allSeqs(ana, "q=" + enc("\"albatross oldest\"") + "&sort=recent"), "a phrase only the oldest hold");
        assertEquals(List.of(2L), allSeqs(ana, "q=" + enc("albatross oldest 2")), "words only the oldest hold");
        assertEquals(List.of(), allSeqs(ana, "q=" + enc("\"albatross fly\"")), "a phrase is its words as written, not their stems");
        assertEquals(flying.size(), allSeqs(ana, "q=" + enc("albatross fly")).size(), "words are also found by their stems");
    }

    @Test
    void aWindowIsTheNewestSpanWhenItHoldsEnoughMatches(ChatServers.Stack stack) throws Exception {
        // the test stack's span (chat.search.reach) is the newest 500 messages: the 100 matches of
        // "kestrel" there are a window of their own, ranked before the older window, which holds the
        // best matches of all; the 10 of "osprey" there are too few, so its window reaches back to
        // its older, better matches and ranks them first
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        insertMessages(stack, chat, bob, 1_200, """
                CASE WHEN i <= 3 THEN 'kestrel kestrel kestrel osprey osprey osprey ' || i
                     WHEN i > 800 AND i % 4 = 0 THEN 'a kestrel among many other words ' || i
                     WHEN i > 800 AND i % 40 = 1 THEN 'an osprey among many other words ' || i
                     ELSE 'filler ' || i END""");
        List<Long> kestrel = allSeqs(ana, "q=kestrel&limit=20");
        assertEquals(103, kestrel.size(), "every match, once: " + kestrel);
        assertEquals(103, new HashSet<>(kestrel).size());
        assertTrue(kestrel.subList(0, 100).stream().allMatch(seq -> seq > 800), "the newest span's window first: " + kestrel);
        assertEquals(List.of(3L, 2L, 1L), kestrel.subList(100, 103), "then the older window, best first");
        List<Long> osprey = allSeqs(ana, "q=osprey&limit=5");
        assertEquals(13, osprey.size(), "every match, once: " + osprey);
        assertEquals(List.of(3L, 2L, 1L), osprey.subList(0, 3), "too few in the span: one window, best first");
    }

    /** Writes messages 1..n from {@code sender} straight into the database, each text {@code body} (SQL of {@code i}). */
    private static void insertMessages(ChatServers.Stack stack, UUID chat, TestClient sender, int n, String body) throws Exception {
        try (Connection sql = stack.sql(); PreparedStatement st = sql.prepareStatement(
                "INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body) "
                        + "SELECT ?::uuid, i, ?::uuid, 'direct-' || i, " + body + " FROM generate_series(1, ?) i");
             PreparedStatement last = sql.prepareStatement("UPDATE conversations SET last_seq = ? WHERE id = ?::uuid")) {
            st.setString(1, chat.toString());
            st.setString(2, sender.id.toString());
            st.setInt(3, n);
            st.executeUpdate();
            last.setInt(1, n);
            last.setString(2, chat.toString());
            last.executeUpdate();
        }
    }

    /** The seqs of every result of a search, following its cursors to the end. */
    private static List<Long> allSeqs(TestClient who, String query) {
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = search(who, query + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            page.get("results").forEach(r -> seen.add(r.get("seq").asLong()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
            assertTrue(++pages < 100, "paging ends");
        } while (cursor != null);
        return seen;
    }

    @Test
    void aLongTextIsCutAroundItsMatches(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        String text = "lorem ipsum dolor ".repeat(30) + "the 🐧 penguin waddles past the penguins " + "sit amet ".repeat(40);
        send(ana, chat, text);
        JsonNode hit = search(ana, "q=penguin").at("/results/0");
        String snippet = hit.get("snippet").asText();
        assertTrue(snippet.startsWith("…") && snippet.endsWith("…"), snippet);
        assertTrue(snippet.length() <= 202, "at most about 200 characters: " + snippet.length());
        List<String> marked = new ArrayList<>();
        hit.get("highlights").forEach(h -> marked.add(snippet.substring(h.get(0).asInt(), h.get(1).asInt())));
        assertEquals(List.of("penguin", "penguins"), marked, "offsets in UTF-16 code units, past an emoji");
        assertEquals(text.strip(), hit.at("/message/text").asText());
    }

    @Test
    void badSearchesAreRefusedClearly(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        for (String q : List.of("", "q=", "q=%20%20", "q=" + "a".repeat(201), "q=" + enc("a b c d e f g h i j k l m n o p q"),
                "q=" + enc("a*"), "q=" + enc("-alone"), "q=x&has=video", "q=x&after=yesterday", "q=x&before=2026-13-01",
                "q=x&after=2026-02-01&before=2026-01-01", "q=x&limit=0", "q=x&limit=51", "q=x&conversation=nope",
                "q=x&sort=best", "q=x&cursor=%25%25")) {
            TestClient.Response r = ana.get("/api/search/messages?" + q);
            assertEquals(400, r.status(), q + " -> " + r.raw());
            assertEquals("validation_failed", r.body().get("code").asText(), q);
            assertTrue(r.contentType().startsWith("application/problem+json"));
        }
        assertEquals(401, TestClient.request(stack.apiUrl(), "GET", "/api/search/messages?q=x", null, null).status());
        assertEquals(400, ana.get("/api/search/conversations?q=").status());
        assertEquals(400, ana.get("/api/search/conversations?q=" + "a".repeat(65)).status());
        assertEquals(200, ana.get("/api/search/messages?q=" + enc("\"unclosed phrase")).status());
    }

    @Test
    void conversationsAreFoundByAnyPartOfTheirName(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        TestClient.signUp(stack.apiUrl(), "robin");
        TestClient.request(bob.apiUrl, "PATCH", "/api/me", bob.token, "{\"displayName\":\"Robert Smith\"}");
        UUID withBob = ana.openDirect("bob");
        UUID withCyd = ana.openDirect("cyd");
        UUID withRobin = ana.openDirect("robin");
        ana.put("/api/contacts/" + cyd.id, "{\"alias\":\"Climbing partner\"}");
        JsonNode group = ana.post("/api/groups", "{\"name\":\"Rock climbers\"}").body();
        String general = group.at("/channels/0/id").asText();
        String routes = ana.post("/api/groups/" + group.get("id").asText() + "/channels", "{\"name\":\"route-planning\"}").body()
                .get("id").asText();

        assertEquals(List.of(withRobin.toString(), withBob.toString()), conversationIds(ana, "rob"),
                "a username and a display name that start with it: the latest chat first");
        assertEquals(List.of(withCyd.toString()), conversationIds(ana, "partner"), "my alias for the peer");
        assertEquals(List.of(withCyd.toString()), conversationIds(ana, "climbing"), "a word of the alias");
        assertEquals(Set.of(general, routes), Set.copyOf(conversationIds(ana, "climbers")), "channels by their group's name");
        assertEquals(List.of(routes), conversationIds(ana, "plan"), "a channel by part of its name");
        assertEquals(List.of(withBob.toString()), conversationIds(ana, "SMITH"));
        assertEquals(List.of(), conversationIds(TestClient.signUp(stack.apiUrl(), "eve"), "rob"), "only my conversations");
        JsonNode c = ana.get("/api/search/conversations?q=smith").body().at("/conversations/0");
        assertEquals("bob", c.at("/peer/username").asText(), "conversations as the inbox shows them");

        assertEquals(Set.of("bob"), usernames(ana, "ert"), "people by any part of the display name");
        assertEquals(Set.of("bob", "robin"), usernames(ana, "ob"), "or of the username");
        assertEquals(Set.of(), usernames(ana, "%"), "LIKE wildcards are plain characters");
    }

    private static List<String> conversationIds(TestClient who, String q) {
        TestClient.Response r = who.get("/api/search/conversations?q=" + enc(q));
        assertEquals(200, r.status(), r.raw());
        List<String> ids = new ArrayList<>();
        r.body().get("conversations").forEach(c -> ids.add(c.get("id").asText()));
        return ids;
    }

    private static Set<String> usernames(TestClient who, String q) {
        Set<String> out = new HashSet<>();
        who.get("/api/users?q=" + enc(q)).body().get("people").forEach(p -> out.add(p.get("username").asText()));
        return out;
    }

    private static Set<String> textSet(TestClient who, String query) {
        Set<String> out = new HashSet<>();
        search(who, query).get("results").forEach(r -> out.add(r.at("/message/text").asText()));
        return out;
    }

    private static Set<Long> seqs(TestClient who, String query) {
        Set<Long> out = new HashSet<>();
        search(who, query).get("results").forEach(r -> out.add(r.get("seq").asLong()));
        return out;
    }

    @Test
    void historyOpensAroundAMessageAndPagesBothWays(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        for (int i = 1; i <= 30; i++) {
            send(ana, chat, "message " + i);
        }
        String base = "/api/conversations/" + chat + "/messages?limit=10&";
        JsonNode middle = ana.get(base + "around=15").body();
        assertEquals(List.of(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L), seqList(middle));
        assertTrue(middle.get("hasMore").asBoolean() && middle.get("hasNewer").asBoolean());
        JsonNode start = ana.get(base + "around=2").body();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), seqList(start), "few older: more newer");
        assertFalse(start.get("hasMore").asBoolean());
        assertTrue(start.get("hasNewer").asBoolean());
        JsonNode end = ana.get(base + "around=29").body();
        assertEquals(21L, seqList(end).getFirst(), "few newer: more older");
        assertEquals(30L, seqList(end).getLast());
        assertFalse(end.get("hasNewer").asBoolean());
        assertEquals(30L, seqList(ana.get(base + "around=99").body()).getLast(), "beyond the newest: the newest page");

        JsonNode older = ana.get(base + "before=11").body();
        assertEquals(10L, seqList(older).getLast());
        assertTrue(older.get("hasNewer").asBoolean(), "before pages say newer exist");
        JsonNode newer = ana.get(base + "after=20").body();
        assertEquals(List.of(21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L), seqList(newer));
        assertFalse(newer.get("hasNewer").asBoolean());
        assertFalse(ana.get(base.substring(0, base.length() - 1)).body().get("hasNewer").asBoolean(), "the newest page");

        ana.post("/api/conversations/" + chat + "/clear", null);
        send(ana, chat, "message 31");
        JsonNode cleared = ana.get(base + "around=5").body();
        assertEquals(List.of(31L), seqList(cleared), "what I cleared stays out");
        assertFalse(cleared.get("hasMore").asBoolean());
        for (String q : List.of("around=0", "around=x", "around=3&before=5", "around=3&after=1")) {
            assertEquals(400, ana.get(base + q).status(), q);
        }
    }

    private static List<Long> seqList(JsonNode page) {
        List<Long> out = new ArrayList<>();
        page.get("messages").forEach(m -> out.add(m.get("seq").asLong()));
        return out;
    }

    private static void attach(TestClient who, UUID chat, String name, byte[] bytes, String type, String caption) {
        String id = who.post("/api/attachments", "{\"conversation\":\"" + chat + "\",\"name\":\"" + name + "\",\"size\":" + bytes.length
                + ",\"contentType\":\"" + type + "\"}").body().path("id").asText();
        who.putBytes("/api/attachments/" + id + "/chunks/0", bytes);
        assertEquals(200, who.post("/api/attachments/" + id + "/complete", null).status());
        assertEquals(201, who.post("/api/conversations/" + chat + "/messages", "{\"clientMsgId\":\"" + UUID.randomUUID()
                + "\",\"attachment\":\"" + id + "\",\"text\":\"" + caption + "\"}").status());
    }

    private static byte[] png() {
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
