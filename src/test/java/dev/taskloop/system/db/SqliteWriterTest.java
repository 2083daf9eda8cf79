package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Group commit on a real SQLite file: each write of a group succeeds or fails on its own, and what
 * SQLite rolled back under the group is run again, never acknowledged without its commit.
 */
class SqliteWriterTest {
  @TempDir Path dir;
  private ScheduledExecutorService timer;
  private SqliteSession session;
  private String url;

  @BeforeEach
  void open() throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (var c = DriverManager.getConnection(url);
        var s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    }
    var source = new SQLiteDataSource();
    source.setUrl(url);
    timer = Executors.newSingleThreadScheduledExecutor();
    session = new SqliteSession(source, timer, 5_000, 0, 0);
  }

  @AfterEach
  void close() {
    session.close();
    timer.shutdownNow();
  }

  private static SqliteJob job(String sql, Object... values) {
    Promise<RowSet<Row>> promise = Promise.promise();
    return new SqliteJob(sql, List.of(values), promise, System.nanoTime());
  }

  private static final String INSERT = "INSERT INTO t (name) VALUES (?) RETURNING id";

  @Test
  void aFailingWriteFailsAloneAndTheRestCommit() throws Exception {
    var group = List.of(job(INSERT, "a"), job(INSERT, "a"), job(INSERT, "b"));
    new SqliteWriter(session).commit(new ArrayList<>(group));
    assertTrue(group.get(0).promise().future().succeeded());
    assertTrue(group.get(1).promise().future().failed(), "the duplicate");
    assertTrue(group.get(2).promise().future().succeeded());
    assertEquals(1, group.get(2).promise().future().result().size(), "RETURNING's row");
    assertEquals(List.of("a", "b"), names());
  }

  @Test
  void writesRolledBackUnderTheGroupRunAgain() throws Exception {
    // A write that ends the transaction itself stands for SQLite rolling it back (an interrupt,
    // a full disk): the writes before it were undone with it, so they run again.
    var group = List.of(job(INSERT, "a"), job("ROLLBACK"), job(INSERT, "b"));
    new SqliteWriter(session).commit(new ArrayList<>(group));
    Future<RowSet<Row>> first = group.get(0).promise().future();
    assertTrue(first.succeeded(), () -> String.valueOf(first.cause()));
    assertTrue(group.get(1).promise().future().failed());
    assertTrue(group.get(2).promise().future().succeeded());
    assertEquals(List.of("a", "b"), names(), "each acknowledged write is committed, once");
  }

  @Test
  void aGroupOfOneRunsOnItsOwn() throws Exception {
    var one = job(INSERT, "solo");
    new SqliteWriter(session).commit(new ArrayList<>(List.of(one)));
    assertTrue(one.promise().future().succeeded());
    assertEquals(List.of("solo"), names());
  }

  private List<String> names() throws SQLException {
    var names = new ArrayList<String>();
    try (var c = DriverManager.getConnection(url);
        var rows = c.createStatement().executeQuery("SELECT name FROM t ORDER BY id")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }
}
