package dev.taskloop.support;

import dev.taskloop.system.config.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The two databases every HTTP-level test runs against. Each {@link #provision()} gives a fresh,
 * empty database: a SQLite file in a temp directory, or a new PostgreSQL database created next to
 * the one named by {@code TASKLOOP_TEST_POSTGRES_URL} (default: the local server's {@code test}
 * database). Without a reachable PostgreSQL the PostgreSQL runs are skipped with a message, except
 * when {@code CI} is set: then they fail.
 */
public enum TestDatabase {
  SQLITE,
  POSTGRESQL;

  public static final String POSTGRES_URL_VARIABLE = "TASKLOOP_TEST_POSTGRES_URL";
  private static final String DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";
  private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** A provisioned database: its URL for the service, and how to throw it away. */
  public record Provisioned(String url, DatabaseUrl parsed, Runnable drop)
      implements AutoCloseable {
    @Override
    public void close() {
      drop.run();
    }
  }

  public Provisioned provision() {
    return switch (this) {
      case SQLITE -> {
        try {
          Path dir = Files.createTempDirectory("taskloop-test");
          String url = "sqlite:" + dir.resolve("taskloop.db");
          yield new Provisioned(url, DatabaseUrl.parse(url), () -> deleteTree(dir));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case POSTGRESQL -> provisionPostgres();
    };
  }

  private static Provisioned provisionPostgres() {
    String base = System.getenv().getOrDefault(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL);
    var admin = (DatabaseUrl.Postgres) DatabaseUrl.parse(base);
    String name =
        "taskloop_t_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection c =
        DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password())) {
      c.createStatement().execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      String message =
          "PostgreSQL not reachable at "
              + admin.masked()
              + " ("
              + e.getMessage()
              + "); set "
              + POSTGRES_URL_VARIABLE
              + " to a server where the tests may create databases";
      if (System.getenv("CI") != null) {
        Assertions.fail("CI is set, so PostgreSQL tests must run: " + message);
      }
      if (!WARNED.getAndSet(true)) { // the console lists no reasons for skips: say it once
        Console.println("taskloop tests: skipping PostgreSQL tests: " + message);
      }
      Assumptions.abort("skipping PostgreSQL tests: " + message);
    }
    var db =
        new DatabaseUrl.Postgres(
            admin.host(), admin.port(), name, admin.user(), admin.password(), admin.sslMode());
    String url =
        "postgresql://"
            + admin.user()
            + (admin.password() == null ? "" : ":" + admin.password())
            + "@"
            + admin.host()
            + ":"
            + admin.port()
            + "/"
            + name;
    return new Provisioned(
        url,
        db,
        () -> {
          try (Connection c =
              DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password())) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
          } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
          }
        });
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return; // closed twice: nothing left to do
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
