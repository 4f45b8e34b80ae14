package dev.chat.bench;

import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending half of a workload: senders (a socket and the conversation it writes to) send at a
 * fixed total rate for a while, open loop (each on its own schedule, late sends go out at once
 * rather than being skipped), through the WebSocket {@code send} command the web client uses.
 * One step per rate; the caller decides when to stop raising it.
 */
final class RaisingRate {
    /** A socket that writes into one conversation. */
    record Sender(ChatSocket socket, int conversation, UUID conversationId) {
    }

    /**
     * One step's figures.
     *
     * @param deliveredPerSecond deliveries within the sending window, per second (a backlog drained
     *                           afterwards is not throughput)
     * @param deliveredShare     of the deliveries the step's sends owed, the share that had arrived
     *                           by the end of the settling time
     * @param sent               messages sent in the step
     * @param deliveries         socket deliveries from the start of the step to the end of its settling
     * @param cpuSeconds         per server, CPU seconds used over that same time (with descendants)
     */
    record Step(double offeredPerSecond, double sentPerSecond, double deliveredPerSecond, double deliveredShare,
                Histogram latencyMicros, String processes, long sent, long deliveries, Map<String, Double> cpuSeconds) {
        /** Everything sent arrived by the end of the settling time (within 5%). */
        boolean keptUp() {
            return deliveredShare >= 0.95;
        }

        double p(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        double max() {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
        }

        /** The servers' CPU (all of them; the load clients are not among them), in seconds. */
        double serversCpuSeconds() {
            return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Microseconds of CPU per socket delivery: of one server, or of all of them when {@code server} is null. */
        double cpuMicrosPerDelivery(String server) {
            return 1e6 * (server == null ? serversCpuSeconds() : cpuSeconds.get(server)) / Math.max(1, deliveries);
        }

        /** Microseconds of all the servers' CPU per message sent. */
        double cpuMicrosPerSent() {
            return 1e6 * serversCpuSeconds() / Math.max(1, sent);
        }
    }

    private final List<Sender> senders;
    private final Ledger ledger;
    private final Processes processes;
    private final String runTag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    RaisingRate(List<Sender> senders, Ledger ledger, Processes processes) {
        this.senders = senders;
        this.ledger = ledger;
        this.processes = processes;
    }

    /**
     * Sends {@code perSecond} messages a second in total for {@code seconds}, then lets deliveries
     * settle; each message is owed to {@code recipients} sockets.
     */
    Step step(double perSecond, double seconds, double settleSeconds, int recipients) throws InterruptedException {
        ledger.interval();
        ledger.deliveriesSinceLast();
        var before = processes.sample();
        long started = System.nanoTime();
        long end = started + (long) (seconds * 1e9);
        long intervalNanos = (long) (senders.size() * 1e9 / perSecond);
        LongAdder sent = new LongAdder();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Sender s : senders) {
                threads.submit(() -> {
                    long next = started + ThreadLocalRandom.current().nextLong(Math.max(1, intervalNanos));
                    while (next < end) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        long m = ledger.sending(s.socket().index, s.conversation());
                        if (m < 0) {
                            return;
                        }
                        long now = System.nanoTime();
                        s.socket().send(Frames.CLIENT.encode(new ClientFrame.Send(Frames.frameId(m), s.conversationId(),
                                "bench-" + runTag + "-" + m, Frames.text(m, now))));
                        sent.increment();
                        next += intervalNanos;
                    }
                });
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long delivered = ledger.deliveriesSinceLast(); // within the sending window: a backlog drained later is not throughput
        Thread.sleep((long) (settleSeconds * 1000));
        long late = ledger.deliveriesSinceLast();
        double withSettle = (System.nanoTime() - started) / 1e9;
        var after = processes.sample();
        Histogram latency = ledger.interval(); // includes the stragglers that arrived while settling
        double owed = Math.max(1, sent.sum() * (double) recipients);
        return new Step(perSecond, sent.sum() / elapsed, delivered / elapsed, (delivered + late) / owed, latency,
                Processes.table(before, after, withSettle), sent.sum(), delivered + late, Processes.cpuSeconds(before, after));
    }

    /** What a climb found: the best delivered rate within the bound (0 if none), and the rates it measured. */
    record Climb(double bestDeliveredPerSecond, java.util.Set<Double> measured) {
    }

    /**
     * Steps through {@code rates} in order, a table row each, until a step passes {@code p99BoundMs}
     * or does not keep up (or to the end, with {@link Bench#KEEP_GOING}).
     */
    Climb climb(double[] rates, double stepSeconds, int recipients, double p99BoundMs, Report report)
            throws InterruptedException {
        double best = 0;
        java.util.Set<Double> measured = new java.util.HashSet<>();
        for (double rate : rates) {
            Step s = step(rate, stepSeconds, 2, recipients);
            report.step(String.format("%,.0f/s", rate), s, recipients);
            measured.add(rate);
            if (s.p(99) <= p99BoundMs && s.keptUp()) {
                best = Math.max(best, s.deliveredPerSecond());
            } else if (!Bench.KEEP_GOING) {
                break;
            }
        }
        return new Climb(best, measured);
    }

    /**
     * The sink that feeds the ledger from the recipients' sockets, and has them report receipts
     * (when {@code receipts} is not null). A frame the protocol does not have counts as an error.
     */
    static ChatSocket.Sink sinkFor(Ledger ledger, LongAdder otherErrors, Receipts receipts) {
        return (socket, text, at) -> {
            ToClient frame;
            try {
                frame = Frames.SERVER.decode(text.toString());
            } catch (IllegalArgumentException notTheProtocol) {
                System.err.println("a frame the protocol does not have: " + notTheProtocol.getMessage());
                otherErrors.increment();
                return;
            }
            switch (frame) {
                case ServerEvent e -> arrived(ledger, receipts, socket, e, at);
                case ServerFrame.Ack a -> ledger.acked(Frames.message(a.id()), true);
                case ServerFrame.Error e -> {
                    long id = Frames.message(e.id());
                    if (id >= 0) {
                        ledger.acked(id, false);
                    } else {
                        otherErrors.increment();
                    }
                }
                case ServerFrame.Welcome w -> {
                    // only the first frame of a socket
                }
                case ServerFrame.Pong p -> {
                    // the load clients do not ping
                }
            }
        };
    }

    /** A benchmark message arriving is measured; every other event is a recipient's ordinary traffic. */
    private static void arrived(Ledger ledger, Receipts receipts, ChatSocket socket, ServerEvent event, long at) {
        switch (event) {
            case ServerEvent.MessageCreated m -> {
                long[] marker = Frames.marker(m.message().text());
                if (marker != null && ledger.arrived(socket.index, marker[0], marker[1], at) && receipts != null) {
                    receipts.arrived(socket, m.conversation(), m.seq());
                }
            }
            case ServerEvent.MessageUpdated _, ServerEvent.MessageDeleted _, ServerEvent.ConversationCreated _,
                 ServerEvent.ConversationUpdated _, ServerEvent.ContactUpdated _, ServerEvent.UserUpdated _,
                 ServerEvent.GroupUpdated _, ServerEvent.GroupDeleted _, ServerEvent.GroupMemberAdded _,
                 ServerEvent.GroupMemberRemoved _, ServerEvent.ReactionUpdated _, ServerEvent.ReceiptUpdated _,
                 ServerEvent.ReceiptsAdvanced _, ServerEvent.Typing _, ServerEvent.Presence _, ServerEvent.Announcement _,
                 ServerEvent.CallIncoming _, ServerEvent.CallRinging _, ServerEvent.CallAnswered _,
                 ServerEvent.CallAnsweredElsewhere _, ServerEvent.CallIce _, ServerEvent.CallMedia _, ServerEvent.CallRenegotiate _,
                 ServerEvent.CallEnded _, ServerEvent.HuddleUpdated _, ServerEvent.HuddleSignal _ -> {
                // not what the benchmark measures
            }
        }
    }
}
