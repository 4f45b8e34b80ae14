package dev.chat.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the SQL migrations under {@code db/migration} on this module's class path.
 *
 * <p>api runs it at boot (several api instances may start at once: Flyway takes a PostgreSQL
 * advisory lock, so only one migrates); tests run it against their own database.
 */
public final class Migrations {
    private Migrations() {
    }

    /**
     * Brings the database at {@code jdbcUrl} to the newest schema version.
     *
     * @return the number of migrations applied by this call (0 when already current)
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        MigrateResult result = flyway(jdbcUrl, user, password).migrate();
        return result.migrationsExecuted;
    }

    private static Flyway flyway(String jdbcUrl, String user, String password) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
    }
}
