package dev.chat.api;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Password hashing with Argon2id (password4j). Parameters follow OWASP's minimum for Argon2id
 * (19 MiB, 2 iterations, 1 lane); the PHC string stores them, so they can be raised later and old
 * hashes still verify. Thread-safe.
 */
public final class Passwords {
    private static final Argon2Function ARGON2ID = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    /** Verified against when the user does not exist, so timing does not reveal which usernames exist. */
    private static final String DUMMY_HASH = hash("dummy-password-for-timing");

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
