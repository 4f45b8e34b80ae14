package dev.chat.telemetry;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Process-wide logging: JSON lines on stderr, level from {@code CHAT_LOG_LEVEL} (default INFO). */
public final class Logs {
    private Logs() {
    }

    /** Replaces the root handlers with one JSON handler; call first thing in {@code main}. */
    public static void install(String process) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = level(System.getenv("CHAT_LOG_LEVEL"));
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new JsonLogFormatter(process));
        handler.setLevel(level);
        root.setLevel(level);
        root.addHandler(handler);
        // chatty libraries stay at INFO even when ours are turned up
        Logger.getLogger("io.helidon").setLevel(Level.INFO);
        Logger.getLogger("com.zaxxer").setLevel(Level.INFO);
    }

    static Level level(String name) {
        if (name == null || name.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.parse(name.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }
}
