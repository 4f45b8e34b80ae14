package dev.chat.bench;

import org.HdrHistogram.Histogram;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W5, history: one direct chat of 1,000,000 messages (two users signed up through the API, the
 * messages written to the database in one statement, as a migration from another system would),
 * then pages of 50 fetched through nginx and the API the way the web client scrolls: the newest
 * page, pages around the middle, and pages at the oldest end. p50/p99 per position.
 */
final class HistoryPages {
    private static final int MESSAGES = Integer.getInteger("bench.history.messages", 1_000_000);
    private static final int FETCHES = 2_000;

    private final Target target;
    private final Report report;

    HistoryPages(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    void run() throws Exception {
        Rest rest = new Rest(target);
        Population people = new Population(target, rest);
        List<Population.User> two = people.signUp("w5", 2);
        UUID chat = people.direct(two.get(0), two.get(1));
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(target.dbUrl(), target.dbUser(), target.dbPassword());
             var insert = c.prepareStatement("""
                     INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at)
                     SELECT ?, i, CASE WHEN i % 3 = 0 THEN ? ELSE ? END, 'seed-' || i,
                            'message ' || i || ' of a long history, about as long as a typical chat line',
                            now() - make_interval(secs => ? - i)
                     FROM generate_series(1, ?) i""");
             var last = c.prepareStatement("UPDATE conversations SET last_seq = ?, updated_at = now() WHERE id = ?")) {
            insert.setObject(1, chat);
            insert.setObject(2, two.get(1).id());
            insert.setObject(3, two.get(0).id());
            insert.setInt(4, MESSAGES);
            insert.setInt(5, MESSAGES);
            insert.executeUpdate();
            last.setLong(1, MESSAGES);
            last.setObject(2, chat);
            last.executeUpdate();
            c.createStatement().execute("ANALYZE messages");
        }
        report.line("%,d messages written in %.1f s", MESSAGES, (System.nanoTime() - t0) / 1e9);

        String token = two.get(0).token();
        String base = "/api/conversations/" + chat + "/messages?limit=50";
        for (int i = 0; i < 200; i++) { // warm-up: JIT, connection pools, the index's upper pages
            rest.timedGet(base, token);
            rest.timedGet(base + "&before=" + (1 + ThreadLocalRandom.current().nextInt(MESSAGES)), token);
        }
        report.line("");
        report.line("| position (page of 50) | fetches | p50 ms | p90 ms | p99 ms | max ms |");
        report.line("| --- | --- | --- | --- | --- | --- |");
        row("newest (no cursor)", rest, token, () -> base);
        row("middle (before a random seq in 450,000..550,000)", rest, token,
                () -> base + "&before=" + (MESSAGES * 45 / 100 + ThreadLocalRandom.current().nextInt(MESSAGES / 10)));
        row("oldest (after a random seq in 0..1,000)", rest, token,
                () -> base + "&after=" + ThreadLocalRandom.current().nextInt(1_000));
        row("anywhere (before a random seq)", rest, token,
                () -> base + "&before=" + (51 + ThreadLocalRandom.current().nextInt(MESSAGES - 50)));
    }

    private void row(String label, Rest rest, String token, java.util.function.Supplier<String> path) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < FETCHES; i++) {
            h.recordValue(rest.timedGet(path.get(), token));
        }
        report.line("| %s | %,d | %.2f | %.2f | **%.2f** | %.2f |", label, FETCHES, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
