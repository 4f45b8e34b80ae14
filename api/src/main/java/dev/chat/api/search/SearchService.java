package dev.chat.api.search;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.Params;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.ConversationStore;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Message;
import dev.chat.tokens.AccessClaims;
import io.helidon.dbclient.DbExecute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Search under {@code /api/search}: messages by their words and filters, my conversations by name
 * (docs/PROTOCOL.md, "Search"). Every answer holds only what the caller may read: the store scopes
 * each statement by the caller's memberships, and a conversation filter naming one they are not in
 * is 404, as everywhere.
 */
public final class SearchService implements HttpService {
    private static final int MAX_LIMIT = 50;
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_NAME = 64;
    private static final List<String> HAS = List.of("file", "image", "link");

    private final Db db;
    private final SearchStore store;
    private final ConversationStore conversations;
    private final Authenticator auth;
    private final Json json;

    /** @param reach how many of the newest messages a search of several words reads first (chat.search.reach) */
    public SearchService(Db db, ConversationStore conversations, Authenticator auth, Json json, long reach) {
        this.store = new SearchStore(reach);
        this.db = db;
        this.conversations = conversations;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/search/messages", this::messages)
                .get("/search/conversations", this::conversations);
    }

    private void messages(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String text = Params.query(req, "q").orElse("");
        SearchQuery query = SearchQuery.parse(text);
        SearchStore.Filters filters = filters(req);
        if (query.isEmpty() && !filters.any()) {
            throw ChatException.validation("Give 'q' (the words to find), a filter, or both.");
        }
        boolean relevance = !query.isEmpty() && !"recent".equals(Params.oneOf(req, "sort", "relevance", "recent").orElse("relevance"));
        int limit = Params.intQuery(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int fingerprint = fingerprint(text, filters, relevance);
        SearchCursor cursor = Params.query(req, "cursor").map(c -> SearchCursor.decode(c, fingerprint)).orElse(null);
        if (cursor != null && cursor.relevance() != relevance) {
            throw ChatException.validation("This 'cursor' belongs to another search: pass the same 'q', filters and 'sort'.");
        }
        if (filters.conversation() != null && !conversations.isMember(db.client().execute(), filters.conversation(), me.userId())) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        json.ok(res, guarded(() -> db.inTransaction(tx -> {
            SearchStore.Search search = store.prepare(tx, me.userId(), query, filters);
            Page page = relevance ? ranked(tx, search, cursor, limit, fingerprint) : recent(tx, search, cursor, limit, fingerprint);
            return new Views.SearchResults(results(tx, page.hits(), query), page.next());
        })));
    }

    /** Hits of one page and the cursor of the next (null: none). */
    private record Page(List<SearchStore.Hit> hits, String next) {
    }

    private Page recent(DbExecute tx, SearchStore.Search search, SearchCursor cursor, int limit, int fp) {
        List<SearchStore.Hit> hits = store.recent(tx, search, cursor == null ? Long.MAX_VALUE : cursor.id(), limit + 1);
        if (hits.size() <= limit) {
            return new Page(hits, null);
        }
        SearchStore.Hit last = hits.get(limit - 1);
        return new Page(hits.subList(0, limit), new SearchCursor(fp, false, 0, 0, 0, last.id()).encode());
    }

    /**
     * Ranked within windows of the newest matches: the rest of the cursor's window, then, while the
     * page is not full and older matches exist, the next window (a page spans two at most, as a
     * window holds more than a page). The next cursor points after the last result given, in its window.
     */
    private Page ranked(DbExecute tx, SearchStore.Search search, SearchCursor cursor, int limit, int fp) {
        SearchCursor at = cursor != null ? cursor : SearchCursor.windowStart(fp, Long.MAX_VALUE, -1);
        List<SearchStore.Hit> hits = new ArrayList<>();
        List<SearchCursor> windows = new ArrayList<>(); // the window each hit came from
        while (true) {
            SearchStore.Window w = store.relevant(tx, search, at.top(), at.bottom() < 0 ? null : at.bottom(),
                    at.rank(), at.id(), limit + 1 - hits.size());
            for (SearchStore.Hit h : w.hits()) {
                hits.add(h);
                windows.add(SearchCursor.windowStart(fp, at.top(), w.bottom()));
            }
            if (hits.size() > limit) {
                SearchStore.Hit last = hits.get(limit - 1);
                SearchCursor lastWindow = windows.get(limit - 1);
                SearchCursor next = lastWindow.top() == windows.get(limit).top()
                        ? new SearchCursor(fp, true, lastWindow.top(), lastWindow.bottom(), last.rank(), last.id())
                        : windows.get(limit); // the last result ended its window: the next page starts the next one
                return new Page(hits.subList(0, limit), next.encode());
            }
            if (w.bottom() == 0) {
                return new Page(hits, null); // the oldest window is done
            }
            at = SearchCursor.windowStart(fp, w.bottom(), -1);
        }
    }

    /** The results of the hits: the messages as history shows them, with a snippet each. */
    private List<Views.SearchResult> results(DbExecute tx, List<SearchStore.Hit> hits, SearchQuery q) {
        Map<ConversationStore.Key, Message> messages = conversations.messages(tx,
                hits.stream().map(h -> new ConversationStore.Key(h.conversation(), h.seq())).toList());
        List<Views.SearchResult> out = new ArrayList<>(hits.size());
        for (SearchStore.Hit h : hits) {
            Message m = messages.get(new ConversationStore.Key(h.conversation(), h.seq()));
            if (m == null) {
                continue;
            }
            Snippets.Snippet s = q.isEmpty() ? Snippets.cut(h.body(), List.of())
                    : Snippets.of(h.body(), java.util.Arrays.asList(h.markedEnglish(), h.markedSimple()));
            out.add(new Views.SearchResult(m.conversation(), m.seq(), m.senderId(), m.at(), s.text(), s.highlights(), m));
        }
        return out;
    }

    private void conversations(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String q = Params.query(req, "q").orElse("").toLowerCase(Locale.ROOT);
        if (q.isEmpty() || q.length() > MAX_NAME) {
            throw ChatException.validation("'q' must be 1 to " + MAX_NAME + " characters.");
        }
        int limit = Params.intQuery(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        DbExecute exec = db.client().execute();
        List<UUID> found = store.conversations(exec, me.userId(), q, limit);
        json.ok(res, new Views.ConversationList(found.isEmpty() ? List.of() : conversations.getFor(exec, found, me.userId())));
    }

    private static SearchStore.Filters filters(ServerRequest req) {
        UUID conversation = Params.query(req, "conversation")
                .map(v -> Params.id(v, () -> ChatException.validation("'conversation' must be a conversation id (a UUID).")))
                .orElse(null);
        String from = Params.query(req, "from").map(v -> v.toLowerCase(Locale.ROOT)).orElse(null);
        Instant after = Params.query(req, "after").map(v -> time("after", v)).orElse(null);
        Instant before = Params.query(req, "before").map(v -> time("before", v)).orElse(null);
        if (after != null && before != null && !after.isBefore(before)) {
            throw ChatException.validation("'after' must be earlier than 'before'.");
        }
        List<String> has = req.query().contains("has") ? req.query().all("has") : List.of();
        for (String h : has) {
            if (!HAS.contains(h.strip())) {
                throw ChatException.validation("'has' must be \"file\", \"image\" or \"link\".");
            }
        }
        return new SearchStore.Filters(conversation, from, after, before, contains(has, "file"), contains(has, "image"),
                contains(has, "link"));
    }

    private static boolean contains(List<String> has, String what) {
        return has.stream().anyMatch(h -> h.strip().equals(what));
    }

    /** An RFC 3339 instant, or a date meaning its start in UTC. */
    private static Instant time(String name, String v) {
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ChatException.validation("'" + name + "' must be a date (2026-01-31) or an RFC 3339 time (2026-01-31T12:00:00Z).");
        }
    }

    /** What identifies a search, for its cursors: the text, the filters and the order. */
    private static int fingerprint(String text, SearchStore.Filters f, boolean relevance) {
        CRC32 crc = new CRC32();
        crc.update((text + "\u0000" + f + "\u0000" + relevance).getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** A search that ran past its statement timeout is answered 503, not as a failure of the server. */
    private static <T> T guarded(java.util.function.Supplier<T> search) {
        try {
            return search.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState())) {
                    throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE,
                            "This search took too long; add words or filters, or try again shortly.", 5, e);
                }
            }
            throw e;
        }
    }
}
