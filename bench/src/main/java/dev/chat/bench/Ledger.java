package dev.chat.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every benchmark message and who must get it: numbered as sent, accepted or refused by the
 * service's ack, and ticked off per recipient socket as it arrives. Gives the end-to-end latency
 * (send to recipient socket) per interval, and at the end the messages lost (accepted, never
 * arrived at a recipient) and duplicated (arrived twice at one socket).
 */
final class Ledger {
    private static final int SENT = 1;
    private static final int ACCEPTED = 2;
    private static final int REFUSED = 3;

    private final List<int[]> audiences;
    private final int[] senderSocket;
    private final int[] audienceOf;
    private final AtomicIntegerArray state;
    private final BitSet[] received;
    private final AtomicLong next = new AtomicLong();
    private final Recorder latency = new Recorder(3);
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder refusals = new LongAdder();
    private final boolean toSelf;

    /**
     * @param audiences per conversation, the sockets of its members
     * @param sockets   how many sockets there are
     * @param capacity  the most messages a run may send
     */
    Ledger(List<int[]> audiences, int sockets, int capacity) {
        this(audiences, sockets, capacity, false);
    }

    /** @param toSelf the sender's own socket is the recipient (the echo baseline) */
    Ledger(List<int[]> audiences, int sockets, int capacity, boolean toSelf) {
        this.toSelf = toSelf;
        this.audiences = audiences;
        this.senderSocket = new int[capacity];
        this.audienceOf = new int[capacity];
        this.state = new AtomicIntegerArray(capacity);
        this.received = new BitSet[sockets];
        for (int i = 0; i < sockets; i++) {
            received[i] = new BitSet();
        }
    }

    /** Numbers a message about to be sent by {@code socket} into {@code conversation}; -1 when full. */
    long sending(int socket, int conversation) {
        long m = next.getAndIncrement();
        if (m >= senderSocket.length) {
            return -1;
        }
        senderSocket[(int) m] = socket;
        audienceOf[(int) m] = conversation;
        state.set((int) m, SENT);
        return m;
    }

    void acked(long message, boolean accepted) {
        if (message >= 0 && message < senderSocket.length) {
            state.set((int) message, accepted ? ACCEPTED : REFUSED);
            if (!accepted) {
                refusals.increment();
            }
        }
    }

    /**
     * A socket got a message.created frame with a benchmark marker. Returns whether it was a
     * recipient's copy (false for the sender's own copy), whether or not it arrived twice.
     */
    boolean arrived(int socket, long message, long sentNanos, long receivedNanos) {
        if (message < 0 || message >= senderSocket.length || (senderSocket[(int) message] == socket) != toSelf) {
            return false; // the sender's own copy (its other devices would want it) is not a delivery
        }
        boolean first;
        BitSet seen = received[socket];
        synchronized (seen) {
            first = !seen.get((int) message);
            seen.set((int) message);
        }
        if (!first) {
            duplicates.increment();
            return true;
        }
        deliveries.increment();
        latency.recordValue(Math.max(0, (receivedNanos - sentNanos) / 1_000));
        return true;
    }

    /** Latencies (microseconds) since the previous call. */
    Histogram interval() {
        return latency.getIntervalHistogram();
    }

    /** Deliveries since the previous call. */
    long deliveriesSinceLast() {
        return deliveries.sumThenReset();
    }

    long sent() {
        return Math.min(next.get(), senderSocket.length);
    }

    long refused() {
        return refusals.sum();
    }

    long duplicates() {
        return duplicates.sum();
    }

    /** Accepted messages that some recipient never got (count each missing recipient once). */
    long lost() {
        long lost = 0;
        long n = sent();
        for (int m = 0; m < n; m++) {
            if (state.get(m) != ACCEPTED) {
                continue;
            }
            for (int socket : audiences.get(audienceOf[m])) {
                if ((socket == senderSocket[m]) != toSelf) {
                    continue;
                }
                BitSet seen = received[socket];
                synchronized (seen) {
                    if (!seen.get(m)) {
                        lost++;
                    }
                }
            }
        }
        return lost;
    }

    /** Messages still without an ack (neither accepted nor refused). */
    long unacknowledged() {
        long count = 0;
        long n = sent();
        for (int m = 0; m < n; m++) {
            if (state.get(m) == SENT) {
                count++;
            }
        }
        return count;
    }
}
