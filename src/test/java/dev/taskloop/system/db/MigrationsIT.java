package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.Taskloop;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.AppConfig;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Migrations run at startup, once, and a schema newer than the code stops startup. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class MigrationsIT {
  @Parameter TestDatabase database;

  @Test
  void migratesAnEmptyDatabaseAndIsIdempotent() {
    try (var db = database.provision()) {
      var first = Migrations.migrate(db.parsed());
      assertEquals(
          Integer.parseInt(first.schemaVersion()), first.applied(), "every version, in one run");
      assertTrue(first.applied() >= 3, first.toString());
      assertEquals(
          new Migrations.Result(first.schemaVersion(), 0), Migrations.migrate(db.parsed()));
    }
  }

  @Test
  void refusesADatabaseNewerThanTheCode() throws Exception {
    try (var db = database.provision()) {
      Migrations.migrate(db.parsed());
      String jdbcUrl =
          switch (db.parsed()) {
            case dev.taskloop.system.config.DatabaseUrl.Sqlite s -> s.jdbcUrl();
            case dev.taskloop.system.config.DatabaseUrl.Postgres p -> p.jdbcUrl();
          };
      String user =
          db.parsed() instanceof dev.taskloop.system.config.DatabaseUrl.Postgres p
              ? p.user()
              : null;
      try (var c = DriverManager.getConnection(jdbcUrl, user, null)) {
        c.createStatement()
            .execute(
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type,"
                    + " script, checksum, installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL',"
                    + " 'V99__from_the_future.sql', 0, 'test', 0, "
                    + (user == null ? "1" : "TRUE")
                    + ")");
      }
      var config = AppConfig.fromEnv(TestServer.environment(db.url(), Map.of()));
      var failure =
          assertThrows(
              Taskloop.StartupException.class,
              () -> Taskloop.start(config, TestServer.vertxOptions()));
      assertTrue(failure.getMessage().contains("newer than this build"), failure.getMessage());
      assertTrue(!failure.getMessage().contains("\n"), "one line");
    }
  }
}
