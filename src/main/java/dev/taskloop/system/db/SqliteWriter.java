package dev.taskloop.system.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit on SQLite's one write lock: the writes that queued while the previous group was
 * being committed run in one IMMEDIATE transaction, each inside a savepoint of its own, and are
 * acknowledged only after the COMMIT, so that one fsync ({@code synchronous=FULL}) makes the whole
 * group durable. A write that fails (a constraint) is rolled back to its savepoint and fails alone;
 * the others commit. Should SQLite roll back the whole transaction itself (an interrupted
 * statement, a full disk), the failed write fails and the rest of the group runs again in a new
 * transaction: nothing is acknowledged that was not committed. A group of one runs in autocommit.
 */
final class SqliteWriter {
  /** The most writes in one transaction. */
  static final int MAX_GROUP = 256;

  private static final List<Object> NONE = List.of();

  private final SqliteSession session;

  SqliteWriter(SqliteSession session) {
    this.session = session;
  }

  /** Runs and commits {@code group}, then completes each job's promise. */
  void commit(List<SqliteJob> group) {
    if (group.isEmpty()) {
      return;
    }
    if (group.size() == 1) {
      SqliteJob job = group.get(0);
      try {
        job.promise().tryComplete(session.run(job.sql(), job.values()));
      } catch (Throwable e) {
        job.fail(e);
      }
      return;
    }
    List<SqliteJob> again = inTransaction(group);
    if (again != null) {
      commit(again);
    }
  }

  /**
   * One transaction over {@code group}; null when done, else the jobs to run again because SQLite
   * rolled the transaction back under them.
   */
  private List<SqliteJob> inTransaction(List<SqliteJob> group) {
    var results = new ArrayList<SqliteRows>(group.size());
    try {
      session.run("BEGIN IMMEDIATE", NONE);
      session.inTransaction(true);
    } catch (Throwable e) {
      group.forEach(job -> job.fail(e));
      return null;
    }
    try {
      for (int i = 0; i < group.size(); i++) {
        SqliteJob job = group.get(i);
        try {
          session.run("SAVEPOINT w", NONE);
          results.add(session.run(job.sql(), job.values()));
          session.run("RELEASE w", NONE);
        } catch (SQLException | RuntimeException e) {
          results.add(null);
          if (!rolledBackTo(job, e)) { // the transaction is gone: all before it with it
            var again = new ArrayList<>(group.subList(0, i));
            again.removeIf(earlier -> earlier.promise().future().isComplete()); // failed alone
            again.addAll(group.subList(i + 1, group.size()));
            return again;
          }
        }
      }
      session.run("COMMIT", NONE);
    } catch (Throwable e) {
      rollback();
      group.forEach(job -> job.fail(e));
      return null;
    } finally {
      session.inTransaction(false);
    }
    acknowledge(group, results);
    return null;
  }

  /** Completes the committed writes' promises ({@code results}: null for those failed alone). */
  private static void acknowledge(List<SqliteJob> group, List<SqliteRows> results) {
    for (int i = 0; i < group.size(); i++) {
      if (results.get(i) != null) {
        try {
          group.get(i).promise().tryComplete(results.get(i));
        } catch (RuntimeException closing) { // its context is gone; the others still get theirs
          continue;
        }
      }
    }
  }

  /** Undoes the failed write alone and fails it; false when the transaction itself is gone. */
  private boolean rolledBackTo(SqliteJob job, Throwable error) {
    job.fail(error);
    try {
      session.run("ROLLBACK TO w", NONE);
      session.run("RELEASE w", NONE);
      return true;
    } catch (SQLException | RuntimeException gone) {
      rollback();
      return false;
    }
  }

  /**
   * Ends the transaction; when even ROLLBACK fails, the connection is closed, which always ends it
   * (else the next group would run inside it, and a lone write would never commit).
   */
  private void rollback() {
    try {
      session.run("ROLLBACK", NONE);
    } catch (SQLException | RuntimeException e) {
      session.close();
    }
  }
}
