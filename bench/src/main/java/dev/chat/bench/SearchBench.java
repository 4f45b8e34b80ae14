package dev.chat.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * W6, search: one user in 200 direct conversations holding 1,000,000 messages in all (written
 * straight into PostgreSQL by {@code w6-messages.sql}: words of a 20,000-word vocabulary with
 * Zipf frequencies, about two years of history), then message searches through nginx and the API
 * as the web client makes them, one at a time: common words, medium and rare ones, phrases, and
 * filtered searches. p50/p99 per kind (target: p99 at most 50 ms), then the plan of the slowest
 * search (EXPLAIN ANALYZE, BUFFERS, by auto_explain on the real statement) when ./chat bench gave
 * the superuser's password.
 */
final class SearchBench {
    private static final int MESSAGES = Integer.getInteger("bench.w6.messages", 1_000_000);
    private static final int CONVERSATIONS = 200;
    private static final int QUERIES = Integer.getInteger("bench.w6.queries", 300);

    private final Target target;
    private final Report report;
    private String slowestPath = "";
    private long slowestMicros;

    SearchBench(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    /** The words a kind of search draws from, picked from the vocabulary after loading. */
    private record Words(List<String> common, List<String> medium, List<String> rare, List<String> phrases) {
    }

    void run() throws Exception {
        Rest rest = new Rest(target);
        Population people = new Population(target, rest);
        List<Population.User> users = people.seeded("w6", CONVERSATIONS + 1);
        Population.User me = users.getFirst();
        List<UUID> chats = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<UUID>> opened = new ArrayList<>();
            for (int i = 1; i <= CONVERSATIONS; i++) {
                Population.User peer = users.get(i);
                opened.add(threads.submit(() -> people.direct(me, peer)));
            }
            for (Future<UUID> f : opened) {
                chats.add(f.get());
            }
        }
        Words words = load(me);

        String base = "/api/search/messages?limit=20&q=";
        for (int i = 0; i < 100; i++) { // warm-up: JIT, pools, the index's upper pages
            rest.timedGet(base + enc(pick(words.common())), me.token());
            rest.timedGet(base + enc(pick(words.rare())), me.token());
        }
        String monthAgo = LocalDate.now(ZoneOffset.UTC).minusMonths(2).toString();
        report.line("");
        report.line("| search (20 results, relevance unless said) | searches | p50 ms | p90 ms | p99 ms | max ms |");
        report.line("| --- | --- | --- | --- | --- | --- |");
        row("common word (the 30 most frequent: in 57% to 3% of messages)", rest, me, () -> base + enc(pick(words.common())));
        row("medium word (ranks 100-300: about 1% to 0.3%)", rest, me, () -> base + enc(pick(words.medium())));
        row("rare word (ranks 15,000-20,000: a few dozen messages)", rest, me, () -> base + enc(pick(words.rare())));
        row("two common words", rest, me, () -> base + enc(pick(words.common()) + " " + pick(words.common())));
        row("phrase (two words next to each other in some message)", rest, me, () -> base + enc("\"" + pick(words.phrases()) + "\""));
        row("prefix (first 3 letters of a medium word)*", rest, me,
                () -> base + enc(pick(words.medium()).substring(0, 3) + "*"));
        row("common word, newest first (sort=recent)", rest, me, () -> base + enc(pick(words.common())) + "&sort=recent");
        row("common word in one conversation", rest, me,
                () -> base + enc(pick(words.common())) + "&conversation=" + pick(chats));
        row("medium word, after a date (2 months ago)", rest, me, () -> base + enc(pick(words.medium())) + "&after=" + monthAgo);
        row("common word with a link (has=link)", rest, me, () -> base + enc(pick(words.common())) + "&has=link");
        row("from one person, no words", rest, me,
                () -> "/api/search/messages?limit=20&from=" + users.get(1 + ThreadLocalRandom.current().nextInt(CONVERSATIONS)).username());
        row("next page of a common word (cursor)", rest, me, nextPage(rest, me, base, words));
        report.line("");
        report.line("slowest: %.1f ms, GET %s", slowestMicros / 1000.0, slowestPath);
        explainSlowest(rest, me);
    }

    /** Writes the history; returns the words each kind of search draws from. */
    private Words load(Population.User me) throws SQLException, IOException {
        int perConversation = MESSAGES / CONVERSATIONS;
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(target.dbUrl(), target.dbUser(), target.dbPassword())) {
            String script;
            try (InputStream in = SearchBench.class.getResourceAsStream("w6-messages.sql")) {
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String sql : script.split(";\\s*\\n")) {
                if (sql.strip().isEmpty() || sql.strip().lines().allMatch(l -> l.strip().startsWith("--"))) {
                    continue;
                }
                try (PreparedStatement st = c.prepareStatement(sql)) {
                    int n = st.getParameterMetaData().getParameterCount();
                    Object[] values = {me.id(), perConversation, me.id(), perConversation};
                    for (int i = 0; i < n; i++) {
                        st.setObject(i + 1, values[i]);
                    }
                    st.execute();
                }
            }
            try (PreparedStatement last = c.prepareStatement("""
                    UPDATE conversations c SET last_seq = ?, updated_at = now()
                    FROM conversation_members me WHERE me.conversation_id = c.id AND me.user_id = ?""");
                 Statement st = c.createStatement()) {
                last.setInt(1, perConversation);
                last.setObject(2, me.id());
                last.executeUpdate();
                st.execute("ANALYZE messages");
            }
            report.line("%,d messages in %d conversations written in %.1f s; messages %s, search index %s",
                    (long) perConversation * CONVERSATIONS, CONVERSATIONS, (System.nanoTime() - t0) / 1e9,
                    one(c, "SELECT pg_size_pretty(pg_table_size('messages'))"),
                    one(c, "SELECT pg_size_pretty(pg_relation_size('messages_search_idx'))"));
            return new Words(column(c, "SELECT word FROM w6_vocab WHERE rank <= 30 AND word NOT LIKE '%''%'"),
                    column(c, "SELECT word FROM w6_vocab WHERE rank BETWEEN 100 AND 300"),
                    column(c, "SELECT word FROM w6_vocab WHERE rank BETWEEN 15000 AND 20000 ORDER BY random() LIMIT 500"),
                    column(c, """
                            SELECT split_part(body, ' ', 2) || ' ' || split_part(body, ' ', 3) FROM messages TABLESAMPLE SYSTEM (1)
                            WHERE split_part(body, ' ', 3) <> '' AND body NOT LIKE '%''%' LIMIT 500"""));
        }
    }

    /** Pages 2 of common-word searches: the cursor of page 1 is taken first (not timed). */
    private Supplier<String> nextPage(Rest rest, Population.User me, String base, Words words) {
        List<String> pages = new ArrayList<>();
        for (String w : words.common()) {
            String next = rest.call("GET", base + enc(w), me.token(), null).ok().path("next").asText("");
            if (!next.isEmpty()) {
                pages.add(base + enc(w) + "&cursor=" + enc(next));
            }
        }
        return () -> pick(pages);
    }

    private void row(String label, Rest rest, Population.User me, Supplier<String> path) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < QUERIES; i++) {
            String p = path.get();
            long micros = rest.timedGet(p, me.token());
            h.recordValue(micros);
            if (micros > slowestMicros) {
                slowestMicros = micros;
                slowestPath = p;
            }
        }
        report.line("| %s | %,d | %.1f | %.1f | **%.1f** | %.1f |", label, QUERIES, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    /**
     * The slowest search again, with auto_explain logging every statement's plan (EXPLAIN ANALYZE,
     * BUFFERS) for the moment; the plan of its search statement is copied from PostgreSQL's log.
     */
    private void explainSlowest(Rest rest, Population.User me) throws Exception {
        String password = System.getProperty("bench.pg.admin.password", "");
        Path log = Path.of(System.getProperty("bench.pg.log", "var/bench/none"));
        if (password.isEmpty() || !Files.exists(log)) {
            report.line("(no plan: run through ./chat bench W6, which loads auto_explain and passes the superuser's password)");
            return;
        }
        try (Connection admin = DriverManager.getConnection(target.dbUrl(), "postgres", password); Statement st = admin.createStatement()) {
            st.execute("ALTER SYSTEM SET auto_explain.log_min_duration = 0");
            st.execute("ALTER SYSTEM SET auto_explain.log_analyze = on");
            st.execute("ALTER SYSTEM SET auto_explain.log_buffers = on");
            st.execute("SELECT pg_reload_conf()");
            Thread.sleep(1_000);
            long from = Files.size(log);
            long micros = rest.timedGet(slowestPath, me.token());
            Thread.sleep(1_000);
            st.execute("ALTER SYSTEM RESET auto_explain.log_min_duration");
            st.execute("SELECT pg_reload_conf()");
            String written;
            try (var in = Files.newInputStream(log)) {
                in.skipNBytes(from);
                written = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            report.line("");
            report.line("The slowest search again (%.1f ms with the plans logged), its search statement's plan:", micros / 1000.0);
            report.line("```");
            String plan = "";
            for (String block : written.split("\\n(?=\\d{4}-\\d\\d-\\d\\d )")) {
                if (block.contains("plan:") && block.contains("search_query") && !block.contains("set_config")) {
                    plan = block.length() > plan.length() ? block : plan;
                }
            }
            report.line("%s", plan.isEmpty() ? "(not found in " + log + ")" : plan.strip());
            report.line("```");
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static <T> T pick(List<T> list) {
        return list.get(ThreadLocalRandom.current().nextInt(list.size()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
