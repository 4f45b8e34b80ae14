package dev.chat.api.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Password hashing with Argon2id (password4j). Parameters follow OWASP's minimum for Argon2id
 * (19 MiB, 2 iterations, 1 lane); the PHC string stores them, so they can be raised later and old
 * hashes still verify. New passwords must not be among the most commonly used ones
 * ({@link #isCommon}). Thread-safe.
 */
public final class Passwords {
    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    /** Verified against when the user does not exist, so timing does not reveal which usernames exist. */
    private static final String DUMMY_HASH = hash("dummy-password-for-timing");

    /** The rule, as people are told it (sign-up form, problem details). */
    public static final String RULE = "8 to 128 characters, and not one of the most commonly used passwords";
    private static final Set<String> COMMON = load("/passwords/common-passwords.txt");

    /**
     * Whether this is one of the ~11,600 most commonly used passwords of 8 or more characters
     * (compared ignoring case; the list and its source: {@code passwords/common-passwords.txt}).
     */
    public static boolean isCommon(String password) {
        return COMMON.contains(password.strip().toLowerCase(Locale.ROOT));
    }

    private static Set<String> load(String resource) {
        try (InputStream in = Passwords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Set<String> words = new HashSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(words::add);
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2ID).getResult();
    }

    public static boolean matches(String password, String hash) {
        try {
            return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Spends the same time as a real check; always false. */
    public static boolean burn(String password) {
        matches(password, DUMMY_HASH);
        return false;
    }

    private Passwords() {
    }
}
