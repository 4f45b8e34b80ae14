package dev.chat.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.fanout.AmqpSettings;
import dev.chat.fanout.EventLogReader;
import dev.chat.fanout.Mappers;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code ./chat events}: prints the event log (docs/EVENTS.md), one JSON line per entry,
 * {@code {"offset":…,"type":…,"trace":…,"event":{…}}}, from where it is told, then follows it.
 * Not part of the service: a consumer of the log as analytics or audit would write one.
 *
 * <pre>
 * Events [--from first|last|OFFSET|INSTANT] [--conversation ID] [--idle SECONDS]
 * </pre>
 * {@code --from} defaults to {@code first}; {@code last} prints only what is appended from now on.
 * {@code --idle} stops after that many seconds without a new entry (default: follow until
 * interrupted). The broker is named by the system properties {@code events.amqp.host}, {@code
 * .port}, {@code .user}, {@code .password}, {@code .vhost}, which {@code ./chat events} sets.
 */
public final class Events {
    /** What was asked for on the command line. */
    record Options(EventLogReader.Start from, UUID conversation, Duration idle) {
        static Options parse(String[] args) {
            EventLogReader.Start from = EventLogReader.Start.parse("first");
            UUID conversation = null;
            Duration idle = null;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--from" -> from = EventLogReader.Start.parse(value);
                    case "--conversation" -> conversation = uuid(value);
                    case "--idle" -> idle = seconds(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            return new Options(from, conversation, idle);
        }

        private static UUID uuid(String value) {
            try {
                return UUID.fromString(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--conversation takes a conversation's id, not '" + value + "'", e);
            }
        }

        private static Duration seconds(String value) {
            if (!value.matches("[1-9][0-9]{0,6}")) {
                throw new IllegalArgumentException("--idle takes a number of seconds, not '" + value + "'");
            }
            return Duration.ofSeconds(Long.parseLong(value));
        }

        /** Whether an entry is printed: every one, or those of the conversation asked for. */
        boolean wanted(EventLogReader.Entry e) {
            return conversation == null || conversation.equals(e.conversation());
        }
    }

    private Events() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("events: " + e.getMessage());
            System.err.println("usage: ./chat events [--from first|last|OFFSET|2026-12-04T17:00:00Z] [--conversation ID] [--idle SECONDS]");
            System.exit(2);
            return;
        }
        AmqpSettings broker = new AmqpSettings(System.getProperty("events.amqp.host", "127.0.0.1"),
                Integer.getInteger("events.amqp.port", 5673), System.getProperty("events.amqp.user", "guest"),
                System.getProperty("events.amqp.password", "guest"), System.getProperty("events.amqp.vhost", "/"));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (EventLogReader reader = new EventLogReader(broker, options.from(), Mappers.create())) {
            print(reader, options, out, Mappers.create());
        } catch (RuntimeException e) {
            out.flush();
            System.err.println("events: " + e.getMessage());
            System.exit(1);
        }
        out.flush();
    }

    /** Prints every wanted entry until none came for {@code options.idle()} (never, without it). */
    static void print(EventLogReader reader, Options options, PrintStream out, ObjectMapper mapper) throws InterruptedException {
        Duration wait = options.idle() == null ? Duration.ofSeconds(1) : options.idle();
        while (true) {
            EventLogReader.Entry e = reader.next(wait);
            if (e == null) {
                out.flush();
                if (options.idle() != null) {
                    return;
                }
                continue;
            }
            if (options.wanted(e)) {
                out.println(e.toJson(mapper));
                if (options.idle() == null) {
                    out.flush(); // following: each line as it comes
                }
            }
        }
    }
}
