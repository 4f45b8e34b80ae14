package dev.chat.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live half of the chat workloads (W2, W3, W4): every user's socket opened through nginx TLS,
 * each feeding the ledger with what it receives (and reporting receipts, when they are on), and a
 * sender for each socket that opened. Socket i is user i's and writes into conversation
 * {@code i / perConversation}.
 */
final class LiveChats implements AutoCloseable {
    private final Clients clients;
    private final Ledger ledger;
    private final LongAdder otherErrors = new LongAdder();
    private final Receipts receipts = Receipts.ON ? new Receipts() : null;
    private final RaisingRate load;

    private LiveChats(Target target, Report report, List<Population.User> users, Ledger ledger, int perConversation,
                      List<UUID> conversations) throws InterruptedException {
        this.ledger = ledger;
        report.line(Receipts.describe());
        this.clients = new Clients(target);
        try {
            long t0 = System.nanoTime();
            int failed = clients.open(users, RaisingRate.sinkFor(ledger, otherErrors, receipts), 64);
            report.line("%d sockets opened through nginx TLS in %.1f s (%d failed)", users.size(), (System.nanoTime() - t0) / 1e9,
                    failed);
        } catch (InterruptedException | RuntimeException e) {
            clients.close();
            throw e;
        }
        List<RaisingRate.Sender> senders = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            if (clients.sockets.get(i) != null) {
                senders.add(new RaisingRate.Sender(clients.sockets.get(i), i / perConversation, conversations.get(i / perConversation)));
            }
        }
        this.load = new RaisingRate(senders, ledger, Bench.stackProcesses(target));
    }

    /** Opens every user's socket and reports how long it took and how many failed. */
    static LiveChats open(Target target, Report report, List<Population.User> users, Ledger ledger, int perConversation,
                          List<UUID> conversations) throws InterruptedException {
        return new LiveChats(target, report, users, ledger, perConversation, conversations);
    }

    RaisingRate load() {
        return load;
    }

    /** The end of a result line: what was sent, refused, unacknowledged, lost and duplicated, other errors, receipts. */
    String tally() {
        return String.format("sent %,d, refused %,d, unacknowledged %,d, lost %,d, duplicated %,d, other error frames %,d "
                        + "(receipts' included); %s", ledger.sent(), ledger.refused(), ledger.unacknowledged(), ledger.lost(),
                ledger.duplicates(), otherErrors.sum(), receipts == null ? "receipts off" : receipts.counts());
    }

    @Override
    public void close() {
        clients.close();
    }
}
