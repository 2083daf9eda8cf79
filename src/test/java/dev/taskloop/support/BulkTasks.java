package dev.taskloop.support;

import dev.taskloop.system.config.DatabaseUrl;
import java.sql.DriverManager;

/** Many tasks at once, inserted over a JDBC connection of the test's own (not the service's). */
public final class BulkTasks {
  private BulkTasks() {}

  /** Inserts {@code rows} tasks of the owner of {@code server}. */
  public static void insert(TestServer server, int rows) throws Exception {
    var url = server.database().parsed();
    String owner = server.ownerId();
    String sql =
        switch (url) {
          case DatabaseUrl.Postgres pg ->
              "INSERT INTO tasks (owner_id, title, is_completed, created_at, updated_at)"
                  + " SELECT '"
                  + owner
                  + "', 'bulk ' || i, FALSE, now(), now()"
                  + " FROM generate_series(1, "
                  + rows
                  + ") AS i";
          case DatabaseUrl.Sqlite sqlite ->
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                  + rows
                  + ")"
                  + " INSERT INTO tasks (owner_id, title, is_completed, created_at, updated_at)"
                  + " SELECT '"
                  + owner
                  + "', 'bulk ' || i, 0, '2026-01-01T00:00:00',"
                  + " '2026-01-01T00:00:00' FROM n";
        };
    try (var c =
            switch (url) {
              case DatabaseUrl.Postgres pg ->
                  DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
              case DatabaseUrl.Sqlite sqlite -> DriverManager.getConnection(sqlite.jdbcUrl());
            };
        var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }
}
