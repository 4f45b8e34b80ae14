package dev.chat.api;

import dev.chat.api.accounts.AuthService;
import dev.chat.api.accounts.Passwords;
import dev.chat.api.accounts.UserStore;
import dev.chat.api.db.Db;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;

import java.io.Console;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The first admin, never from a default password: {@code ./chat admin create NAME} runs
 * {@link #main}, or {@code CHAT_ADMIN_USERNAME} with {@code CHAT_ADMIN_PASSWORD} at start. An
 * existing account of that name is made an admin (its password is kept unless one is given).
 */
public final class AdminBootstrap {
    private AdminBootstrap() {
    }

    /** Outcome of {@link #ensure}. */
    enum Outcome { CREATED, PROMOTED, ALREADY_ADMIN }

    static Outcome ensure(Db db, String username, String password) {
        String name = username.strip().toLowerCase(Locale.ROOT);
        if (!AuthService.USERNAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a username is 3 to 32 of a-z, 0-9, '_' and '.'");
        }
        if (password != null && (password.length() < 8 || password.length() > 128)) {
            throw new IllegalArgumentException("a password is 8 to 128 characters");
        }
        if (password != null && Passwords.isCommon(password)) {
            throw new IllegalArgumentException("that password is one of the most commonly used ones: choose another");
        }
        return db.inTransaction(tx -> {
            UserStore users = new UserStore();
            var role = users.lockRole(tx, name);
            if (role.isEmpty()) {
                if (password == null) {
                    throw new IllegalArgumentException("a new admin needs a password");
                }
                users.insertAdmin(tx, name, Passwords.hash(password));
                return Outcome.CREATED;
            }
            if (password != null) {
                users.setPassword(tx, name, Passwords.hash(password));
            }
            if ("admin".equals(role.get())) {
                return Outcome.ALREADY_ADMIN;
            }
            users.makeAdmin(tx, name);
            return Outcome.PROMOTED;
        });
    }

    /**
     * {@code create NAME}: the password comes from {@code CHAT_ADMIN_PASSWORD}, else is asked for
     * on the terminal, else (no terminal) is generated and printed once.
     */
    public static void main(String[] args) {
        if (args.length != 2 || !args[0].equals("create")) {
            System.err.println("usage: AdminBootstrap create NAME");
            System.exit(2);
        }
        dev.chat.telemetry.Logs.install("admin-bootstrap");
        ApiConfig config = ApiConfig.load();
        dev.chat.schema.Migrations.migrate(config.dbUrl(), config.dbUser(), config.dbPassword().value());
        String password = System.getenv("CHAT_ADMIN_PASSWORD");
        boolean generated = false;
        Console console = System.console();
        if ((password == null || password.isEmpty()) && console != null) {
            char[] first = console.readPassword("Password for %s (8+ characters, empty to keep an existing one): ", args[1]);
            if (first != null && first.length > 0) {
                char[] again = console.readPassword("Again: ");
                if (!Arrays.equals(first, again)) {
                    System.err.println("The passwords differ.");
                    System.exit(1);
                }
                password = new String(first);
            }
        } else if (password == null || password.isEmpty()) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            generated = true;
        }
        DbClient client = DbClient.create(Config.just(ConfigSources.create(Map.of(
                "source", "jdbc", "connection.url", config.dbUrl(), "connection.username", config.dbUser(),
                "connection.password", config.dbPassword().value(), "connection.maximumPoolSize", "1"))));
        try {
            Outcome outcome = ensure(new Db(client), args[1], password == null || password.isEmpty() ? null : password);
            System.out.println(switch (outcome) {
                case CREATED -> "created admin " + args[1];
                case PROMOTED -> args[1] + " is now an admin";
                case ALREADY_ADMIN -> args[1] + " was already an admin";
            });
            if (generated && outcome == Outcome.CREATED) {
                System.out.println("password (shown once; keep it somewhere safe): " + password);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("cannot: " + e.getMessage());
            System.exit(1);
        } finally {
            client.close();
        }
    }
}
