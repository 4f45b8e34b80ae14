package dev.chat.api;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often people may do what abuse is made of, each as "N per window": log in with a wrong
 * password to one account, try to log in or sign up from one address, send messages or upload
 * files as one user.
 * Read from {@code chat.limits.*} (environment {@code CHAT_LIMITS_LOGIN_ACCOUNT=10/15m} ...); the
 * defaults, what a person never reaches and a script soon does, are in api's application.yaml.
 *
 * @param loginFailuresPerAccount wrong passwords for one username before it is locked for the window
 * @param loginsPerAddress        login attempts from one client address
 * @param signupsPerAddress       accounts created from one client address
 * @param sendsPerUser            messages one user may send (REST and WebSocket together)
 * @param invalidInvitesPerUser   invite tokens one user may present that are not valid (guessing)
 * @param uploadsPerUser          uploads one user may start (each up to the attachment size limit)
 */
public record RateLimits(Rate loginFailuresPerAccount, Rate loginsPerAddress, Rate signupsPerAddress, Rate sendsPerUser,
                         Rate invalidInvitesPerUser, Rate uploadsPerUser) {
    /** At most {@code max} in each window of {@code window}. */
    public record Rate(int max, Duration window) {
        private static final Pattern SPEC = Pattern.compile("(\\d+)\\s*/\\s*(\\d+)\\s*([smh])");

        public Rate {
            if (max < 1 || window.toSeconds() < 1) {
                throw new IllegalArgumentException("a rate needs at least 1 per at least 1 s");
            }
        }

        /** "10/15m", "120/1m", "30/10s", "5/1h". */
        public static Rate parse(String spec) {
            Matcher m = SPEC.matcher(spec.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("a rate looks like 10/15m (N per seconds s, minutes m or hours h), got " + spec);
            }
            long n = Long.parseLong(m.group(2));
            Duration window = switch (m.group(3)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            return new Rate(Integer.parseInt(m.group(1)), window);
        }

        @Override
        public String toString() {
            return max + "/" + window.toSeconds() + "s";
        }
    }
}
