package dev.taskloop.system.db;

import dev.taskloop.support.TestServer;
import dev.taskloop.system.config.DatabaseUrl;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Ways to keep one of the service's connections busy from outside, for pool tests. */
final class Holds {
  private Holds() {}

  /** A connection of the test's own, holding a write lock on the task (SQLite: the database's). */
  static Connection holdTaskRow(TestServer server, long taskId) throws SQLException {
    return holdRow(server, "UPDATE tasks SET title = 'held' WHERE id = " + taskId);
  }

  /** The same for an item. */
  static Connection holdItemRow(TestServer server, long itemId) throws SQLException {
    return holdRow(server, "UPDATE items SET name = 'held' WHERE id = " + itemId);
  }

  private static Connection holdRow(TestServer server, String update) throws SQLException {
    Connection c = connect(server.database().parsed());
    c.setAutoCommit(false);
    try (var statement = c.createStatement()) {
      statement.executeUpdate(update);
    }
    return c;
  }

  /** Inserts {@code rows} tasks of the owner, over a connection of the test's own. */
  static void seedTasks(TestServer server, int rows) throws SQLException {
    String owner = server.ownerId();
    String sql =
        switch (server.database().parsed()) {
          case DatabaseUrl.Postgres pg ->
              "INSERT INTO tasks (owner_id, title, is_completed, created_at, updated_at) SELECT '"
                  + owner
                  + "', 'bulk ' || i, FALSE, now(), now() FROM generate_series(1, "
                  + rows
                  + ") AS i";
          case DatabaseUrl.Sqlite sqlite ->
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                  + rows
                  + ") INSERT INTO tasks (owner_id, title, is_completed, created_at, updated_at)"
                  + " SELECT '"
                  + owner
                  + "', 'bulk ' || i, 0, '2026-01-01T00:00:00', '2026-01-01T00:00:00' FROM n";
        };
    try (var c = connect(server.database().parsed());
        var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return switch (url) {
      case DatabaseUrl.Sqlite sqlite -> DriverManager.getConnection(sqlite.jdbcUrl());
      case DatabaseUrl.Postgres pg ->
          DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    };
  }

  /**
   * An export that has started (its first bytes read) and is then not read: the server pauses on
   * the full socket, holding its export connection, until the client goes away ({@code close}).
   * Sends {@code requestId} as {@code X-Request-Id} unless null.
   */
  static StalledExport stalledExport(TestServer server, String requestId) throws IOException {
    String key = server.loginOwner().json().get("key").asText();
    var socket = new Socket("127.0.0.1", server.app().port());
    socket.setReceiveBufferSize(4096);
    String id = requestId == null ? "" : "X-Request-Id: " + requestId + "\r\n";
    socket
        .getOutputStream()
        .write(
            ("GET /tasks/export HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + id
                    + "Authorization: Bearer "
                    + key
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
    InputStream in = socket.getInputStream();
    String start = new String(in.readNBytes(1024), StandardCharsets.UTF_8);
    if (!start.startsWith("HTTP/1.1 200")) {
      socket.close();
      throw new AssertionError("the export did not start: " + start);
    }
    try {
      Thread.sleep(300); // the server is now paused on a full socket
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new StalledExport(socket, in);
  }

  /** See {@link #stalledExport}. */
  record StalledExport(Socket socket, InputStream in) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
