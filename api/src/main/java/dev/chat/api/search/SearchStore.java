package dev.chat.api.search;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of search. Messages: the full-text vector and its GIN index (V13), scoped in the
 * statement itself to what the reader may see (a member now, above their cleared seq, not hidden for
 * them, not deleted), newest first or ranked within windows of the newest matches. Conversations: my
 * memberships whose names contain the text. Stateless; every method runs on the executor given.
 */
final class SearchStore {
    /** How many of the newest matches one relevance window ranks at most (docs/PROTOCOL.md, "Search"). */
    static final int WINDOW = 500;
    /**
     * How many matches the newest {@link #reach} messages must hold to be a window of their own, a
     * page of results: a word in 0.3% of the messages has 60 there, and its 500 newest matches would
     * mean reading 170,000 messages backwards or every one of its matches from the index; a common
     * word among the messages with a link (one in 30) has as few.
     */
    static final int SPAN_WINDOW = 20;
    /** ts_headline over the whole text, each match between two control characters no message holds. */
    private static final String MARKS = "HighlightAll=true, StartSel=\"" + Snippets.START + "\", StopSel=\"" + Snippets.STOP + "\"";
    /** Rank divided by 1 + the log of the message's length: a short message on the point outranks a long ramble. */
    private static final int RANK_NORMALIZATION = 1;

    /**
     * How many of the newest messages make the span a relevance window is taken from when it holds
     * enough matches, and that a newest-first search of several words reads backwards before it
     * turns to the index.
     */
    private final long reach;

    /** @param reach how many of the newest messages make a search's span (chat.search.reach) */
    SearchStore(long reach) {
        this.reach = reach;
    }

    /** What a search is narrowed to beside its words; null and false: no such filter. */
    record Filters(UUID conversation, String from, Instant after, Instant before, boolean file, boolean image, boolean link) {
        boolean any() {
            return conversation != null || from != null || after != null || before != null || file || image || link;
        }
    }

    /** A message found: where it is, its text and the text with its matches marked (null without words). */
    record Hit(long id, UUID conversation, long seq, String body, float rank, String markedEnglish, String markedSimple) {
    }

    /** A relevance window's hits in rank order, and its oldest id (0: it runs to the oldest match). */
    record Window(List<Hit> hits, long bottom) {
    }

    /**
     * One search: who asks, the words, the filters, and whether a term has words next to each
     * other (a phrase, or a word the parser splits), which the word-pair index (V17) then selects.
     */
    record Search(UUID me, SearchQuery q, Filters f, boolean pairs) {
    }

    /**
     * Every search's session: plans made for the actual words, one process per search, a bound on
     * the time, and the planner told that pages are read from memory (its default of 4 for a
     * random page, made for disks, kept it off the link index: a word with a link then read every
     * message with a link). Asks PostgreSQL whether a term has word pairs: its parser decides.
     */
    Search prepare(DbExecute tx, UUID me, SearchQuery q, Filters f) {
        boolean pairs = Boolean.TRUE.equals(Db.value(tx.get("""
                SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
                       set_config('max_parallel_workers_per_gather', '0', true),
                       set_config('random_page_cost', '1.1', true),
                       set_config('statement_timeout', '10s', true),
                       cardinality(search_term_pairs(?::text[])) > 0 AS pairs""", (Object) q.terms().toArray(String[]::new))
                .orElseThrow(), "pairs"));
        return new Search(me, q, f, pairs);
    }

    /** Matches newest first, below {@code beforeId} (exclusive), at most {@code limit}. */
    List<Hit> recent(DbExecute tx, Search s, long beforeId, int limit) {
        List<Object> params = new ArrayList<>();
        String newest = newestMatches(s, beforeId, "m.id, m.conversation_id, m.seq, m.body", limit, params);
        params.addAll(marksParams(s.q()));
        return tx.query("WITH page AS MATERIALIZED (" + newest + ") "
                        + "SELECT m.id, m.conversation_id, m.seq, m.body, 0::real AS rank, " + marks(s.q())
                        + " FROM page m ORDER BY m.id DESC", params.toArray())
                .map(SearchStore::hit).toList();
    }

    /**
     * The newest {@code limit} visible matches below {@code top}, newest first, as a SELECT whose
     * parameters are added to {@code params}. PostgreSQL chooses between reading the newest messages
     * backwards until it has enough matches (cheap for common words) and taking every match from the
     * full-text index and sorting them (cheap for rare ones) by its estimate of the matches. For one
     * word that estimate is good. For several words and prefixes it can be a hundred times too high
     * (it takes the words as independent), and the backward scan read 990,000 rows to find 500
     * (docs/BENCHMARKS.md, "Search"). Those run in two parts, one after the other, stopping as soon
     * as there are {@code limit}: the newest {@link #reach} messages backwards, then the rest from
     * the index. Each part has the limit too, so the first is planned to stop early.
     */
    private String newestMatches(Search s, long top, String columns, int limit, List<Object> params) {
        int from = params.size();
        String visible = visible(s, params);
        if (!s.q().joinsWords()) {
            params.add(top);
            params.add(limit);
            return "SELECT " + columns + visible + " AND m.id < ? ORDER BY m.id DESC LIMIT ?";
        }
        List<Object> visibleParams = List.copyOf(params.subList(from, params.size()));
        String floor = "(SELECT coalesce(max(id), 0) - " + reach + " FROM messages WHERE id < ?)";
        String recent = "(SELECT " + columns + visible + " AND m.id < ? AND m.id >= " + floor + " ORDER BY m.id DESC LIMIT ?)";
        params.addAll(List.of(top, top, limit));
        // id + 0: an expression the primary key can neither bound nor order, so the full-text index is used
        String older = "(SELECT " + columns + visible + " AND m.id + 0 < " + floor + " ORDER BY m.id + 0 DESC LIMIT ?)";
        params.addAll(visibleParams);
        params.addAll(List.of(top, limit, limit));
        return "SELECT * FROM (" + recent + " UNION ALL " + older + ") n LIMIT ?";
    }

    /**
     * One relevance window below {@code top}: with {@code bottom} null, a new one (and its bottom is
     * found); else the matches from {@code bottom} up. The hits ranked after ({@code rank},
     * {@code id}), at most {@code limit}.
     */
    Window relevant(DbExecute tx, Search s, long top, Long bottom, float rank, long id, int limit) {
        SearchQuery q = s.q();
        List<Object> params = new ArrayList<>();
        String win;
        if (bottom == null) {
            win = newWindow(tx, s, top, params);
        } else {
            win = "win AS MATERIALIZED (SELECT m.id, m.search" + visible(s, params) + " AND m.id < ? AND m.id >= ?), "
                    + "found AS (SELECT ?::bigint AS bottom)";
            params.addAll(List.of(top, bottom, bottom));
        }
        params.addAll(queryParams(q));
        params.addAll(List.of(rank, rank, id, limit));
        params.addAll(marksParams(q));
        List<DbRow> rows = tx.query("WITH " + win + ", "
                + "page AS MATERIALIZED (SELECT w.id, ts_rank_cd(w.search, search_query(?::text[], ?::text[], ?::text[]), "
                + RANK_NORMALIZATION + ") AS rank FROM win w), "
                + "top AS MATERIALIZED (SELECT p.id, p.rank FROM page p WHERE p.rank < ?::real OR (p.rank = ?::real AND p.id < ?) "
                + "ORDER BY p.rank DESC, p.id DESC LIMIT ?) "
                + "SELECT t.id, m.conversation_id, m.seq, m.body, t.rank, " + marks(q) + ", (SELECT bottom FROM found) AS bottom "
                + "FROM top t JOIN messages m ON m.id = t.id ORDER BY t.rank DESC, t.id DESC", params.toArray()).toList();
        // the window's extent is only known from a row; without one, the window is empty: no match below top
        long found = rows.isEmpty() ? (bottom == null ? 0 : bottom) : Db.longValue(rows.getFirst(), "bottom");
        return new Window(rows.stream().map(SearchStore::hit).toList(), found);
    }

    /**
     * The common table expressions of a new window below {@code top}: {@code win} its matches and
     * {@code found} its bottom (0: it runs to the oldest match). The window is the matches among the
     * newest {@link #reach} messages below {@code top} when they hold at least {@link #SPAN_WINDOW}
     * (at most {@link #WINDOW}; its bottom the first id of that span), else the newest
     * {@link #WINDOW} matches, the older ones from the index. The span's first id is looked up first
     * and planned as a number, so PostgreSQL weighs the few matches inside it (the word's index
     * intersected with the span) against reading the span backwards; no window reads more than the
     * span backwards, and only a word too rare to fill a span has its whole index list read.
     */
    private String newWindow(DbExecute tx, Search s, long top, List<Object> params) {
        long floor = Db.longValue(tx.get("SELECT coalesce(max(id), 0) - ? AS floor FROM messages WHERE id < ?", reach, top)
                .orElseThrow(), "floor");
        String recent = "recent AS MATERIALIZED (SELECT m.id, m.search" + visible(s, params)
                + " AND m.id < ? AND m.id >= ? ORDER BY m.id DESC LIMIT " + WINDOW + "), ";
        params.addAll(List.of(top, floor));
        // id + 0: an expression the primary key can neither bound nor order, so the full-text index is used
        String older = "(SELECT m.id, m.search" + visible(s, params) + " AND m.id + 0 < ?"
                + " AND (SELECT count(*) FROM recent) < " + SPAN_WINDOW + " ORDER BY m.id + 0 DESC LIMIT " + WINDOW + ")";
        params.addAll(List.of(floor, Math.max(floor, 0)));
        return recent
                + "win AS MATERIALIZED (SELECT * FROM recent UNION ALL " + older + " LIMIT " + WINDOW + "), "
                + "found AS (SELECT CASE WHEN (SELECT count(*) FROM win) >= " + WINDOW + " THEN (SELECT min(id) FROM win) "
                + "WHEN (SELECT count(*) FROM recent) >= " + SPAN_WINDOW + " THEN ?::bigint ELSE 0 END AS bottom)";
    }

    /**
     * My conversations whose name contains {@code q} (lowercase): a direct chat's peer by username,
     * display name or my alias for them; a channel by its name or its group's. Best match first
     * (equal, starts with, a word starts with, contains), then by last activity; chats I deleted are
     * left out until a new message arrives, as in the inbox.
     */
    List<UUID> conversations(DbExecute db, UUID me, String q, int limit) {
        return db.query("""
                SELECT c.id FROM conversation_members me
                JOIN conversations c ON c.id = me.conversation_id
                LEFT JOIN groups g ON g.id = c.group_id
                LEFT JOIN conversation_members o ON c.kind = 'direct' AND o.conversation_id = c.id AND o.user_id <> me.user_id
                LEFT JOIN users u ON u.id = o.user_id
                LEFT JOIN contacts ct ON ct.owner_id = me.user_id AND ct.contact_id = u.id
                CROSS JOIN LATERAL (
                    SELECT min(CASE WHEN n.name = x.q THEN 0
                                    WHEN starts_with(n.name, x.q) THEN 1
                                    WHEN position(' ' || x.q IN ' ' || translate(n.name, '_.-#@', '     ')) > 0 THEN 2
                                    WHEN position(x.q IN n.name) > 0 THEN 3 END) AS score
                    FROM (VALUES (u.username), (lower(u.display_name)), (lower(ct.alias)), (c.name), (lower(g.name))) AS n(name),
                         (SELECT lower(?) AS q) x
                    WHERE n.name IS NOT NULL) s
                WHERE me.user_id = ?::uuid AND (me.hidden_seq IS NULL OR c.last_seq > me.hidden_seq) AND s.score IS NOT NULL
                ORDER BY s.score, c.updated_at DESC, c.id
                LIMIT ?""", q, me, limit)
                .map(r -> Db.uuid(r, "id")).toList();
    }

    /**
     * The FROM and WHERE of what {@code me} may see and the query and filters select; adds their
     * parameters to {@code params}.
     */
    private static String visible(Search s, List<Object> params) {
        SearchQuery q = s.q();
        Filters f = s.f();
        StringBuilder sql = new StringBuilder("""
                 FROM messages m
                JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = ?::uuid
                WHERE m.seq > me.cleared_seq AND m.deleted_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                                  WHERE h.conversation_id = m.conversation_id AND h.user_id = me.user_id AND h.seq = m.seq)""");
        params.add(s.me());
        if (s.pairs()) {
            // the word-pair index selects; the words are checked on what it selects (ts_match_vq is @@
            // without its index: for common words, reading their whole lists would cost more than it saves)
            sql.append(" AND search_pairs(m.body) @> search_term_pairs(?::text[])"
                    + " AND ts_match_vq(m.search, search_query(?::text[], ?::text[], ?::text[]))");
            params.add(q.terms().toArray(String[]::new));
            params.addAll(queryParams(q));
        } else if (!q.isEmpty()) {
            sql.append(" AND m.search @@ search_query(?::text[], ?::text[], ?::text[])");
            params.addAll(queryParams(q));
        }
        if (f.conversation() != null) {
            sql.append(" AND m.conversation_id = ?::uuid");
            params.add(f.conversation());
        }
        if (f.from() != null) {
            sql.append(" AND m.sender_id = (SELECT u.id FROM users u WHERE u.username = ?)");
            params.add(f.from());
        }
        if (f.after() != null) {
            sql.append(" AND m.created_at >= ?");
            params.add(Db.timestamp(f.after()));
        }
        if (f.before() != null) {
            sql.append(" AND m.created_at < ?");
            params.add(Db.timestamp(f.before()));
        }
        if (f.file()) {
            sql.append(" AND m.attachment_id IS NOT NULL");
        }
        if (f.image()) {
            sql.append(" AND EXISTS (SELECT 1 FROM attachments a WHERE a.id = m.attachment_id AND a.kind = 'image')");
        }
        if (f.link()) {
            sql.append(" AND m.has_link");
        }
        return sql.toString();
    }

    private static List<Object> queryParams(SearchQuery q) {
        return List.of(q.terms().toArray(String[]::new), q.prefixes().toArray(String[]::new), q.excluded().toArray(String[]::new));
    }

    /** The matches marked in the text by the English and the simple configuration (the two halves of the vector). */
    private static String marks(SearchQuery q) {
        if (q.isEmpty()) {
            return "NULL AS marked_english, NULL AS marked_simple";
        }
        return "ts_headline('english', m.body, search_query(?::text[], ?::text[], '{}'), ?) AS marked_english, "
                + "ts_headline('simple', m.body, search_query(?::text[], ?::text[], '{}'), ?) AS marked_simple";
    }

    private static List<Object> marksParams(SearchQuery q) {
        if (q.isEmpty()) {
            return List.of();
        }
        String[] terms = q.terms().toArray(String[]::new);
        String[] prefixes = q.prefixes().toArray(String[]::new);
        return List.of(terms, prefixes, MARKS, terms, prefixes, MARKS);
    }

    private static Hit hit(DbRow r) {
        return new Hit(Db.longValue(r, "id"), Db.uuid(r, "conversation_id"), Db.longValue(r, "seq"), Db.string(r, "body"),
                ((Number) Db.value(r, "rank")).floatValue(), Db.string(r, "marked_english"), Db.string(r, "marked_simple"));
    }
}
