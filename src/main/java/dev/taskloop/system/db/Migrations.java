package dev.taskloop.system.db;

import dev.taskloop.system.config.DatabaseUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Versioned schema migrations with Flyway, one folder per vendor ({@code db/migration/sqlite},
 * {@code db/migration/postgresql}). Runs on the calling (main) thread before the HTTP server
 * listens: Flyway is blocking JDBC and must never run on an event loop. Migrations written in Java
 * (data changes that need the service's own rules) serve both databases.
 */
final class Migrations {
  /** What a migration run left: the schema version and how many migrations it applied. */
  record Result(String schemaVersion, int applied) {}

  private Migrations() {}

  /** Fails with {@link Database.StartupFailure}, whose message is one line. */
  static Result migrate(DatabaseUrl url) {
    return migrate(url, Duration.ofSeconds(10)); // the PostgreSQL driver's default connect timeout
  }

  /**
   * As {@link #migrate(DatabaseUrl)}; on PostgreSQL, connecting (TCP, TLS, login) gives up after
   * {@code connectTimeout} (rounded up to seconds) rather than hanging on a server that stalls.
   */
  static Result migrate(DatabaseUrl url, Duration connectTimeout) {
    Flyway flyway = flyway(url, (int) Math.max(1, (connectTimeout.toMillis() + 999) / 1000));
    try {
      MigrateResult result = flyway.migrate();
      // info() resolves every migration and reads the history again: once, not once per question
      MigrationInfo current = flyway.info().current();
      String version = current == null ? "0" : current.getVersion().toString();
      return new Result(version, result.migrationsExecuted);
    } catch (FlywayException e) {
      throw new Database.StartupFailure(explain(url, e), e);
    }
  }

  private static Flyway flyway(DatabaseUrl url, int connectSeconds) {
    var config =
        Flyway.configure()
            .locations("classpath:db/migration/" + url.kind())
            // Empty: an applied migration this build does not know (a newer schema) fails
            // validation
            // instead of the default "*:future", which would only log a warning.
            .ignoreMigrationPatterns("")
            .javaMigrations(new EmailKeysMigration())
            .validateMigrationNaming(true);
    return switch (url) {
      case DatabaseUrl.Sqlite sqlite -> {
        createParentDirectory(sqlite.file());
        yield config.dataSource(sqlite.jdbcUrl(), null, null).load();
      }
      case DatabaseUrl.Postgres pg ->
          config
              .dataSource(
                  pg.jdbcUrl()
                      + "&connectTimeout="
                      + connectSeconds
                      + "&loginTimeout="
                      + connectSeconds,
                  pg.user(),
                  pg.password())
              .load();
    };
  }

  private static void createParentDirectory(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new Database.StartupFailure(
          "cannot create directory " + parent + " for the SQLite database: " + e, e);
    }
  }

  private static String explain(DatabaseUrl url, FlywayException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("not resolved locally") || message.contains("newer than")) {
      return "the schema of "
          + url.masked()
          + " is newer than this build of taskloop ("
          + firstLine(message)
          + "); refusing to start: deploy the newer build or restore a matching database";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String reason =
        root == e
            ? firstLine(message)
            : root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    return "cannot migrate " + url.masked() + ": " + reason;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String trimmed = text.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
  }
}
