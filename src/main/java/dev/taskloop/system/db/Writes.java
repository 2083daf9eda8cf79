package dev.taskloop.system.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How repositories write: in which {@link Scope} (on its own, or in a transaction someone else
 * opened), and under which row version. Every UPDATE of a versioned row (tasks, categories, items,
 * users) sets {@code version = version + 1} ({@link #BUMP}), and a conditional write adds {@link
 * Expected#sql} to its own WHERE, so the check and the write are one atomic statement.
 */
public final class Writes {
  /** The one place of the bump, in the SET list of every UPDATE of a versioned table. */
  public static final String BUMP = "version = version + 1";

  /** Most versions one condition may name (each count is another prepared statement). */
  public static final int MAX_EXPECTED = 8;

  private Writes() {}

  /**
   * Where a repository's write runs: on its own ({@link Database#autoCommit}, each statement
   * commits) or inside a transaction another part opened ({@link Database#within}, such as the one
   * that stores an Idempotency-Key's answer with the row it created). A repository method that
   * needs several statements asks for {@link #transaction}: its own, or the one it is already in.
   */
  public sealed interface Scope permits AutoCommit, Within {
    /** Runs one statement in this scope (a write, or a read that belongs with the writes). */
    Future<RowSet<Row>> execute(String sql, Map<String, Object> params);

    /** Runs {@code work} in one transaction: a new one, or the one this scope is. */
    <T> Future<T> transaction(Function<Scope, Future<T>> work);
  }

  /**
   * The versions a write may find (the request's {@code If-Match}). {@link #ANY} adds no condition;
   * an empty list matches no version (only tags of another kind were sent): the write fails {@link
   * Stale} whenever the row exists.
   */
  public record Expected(List<Long> versions) {
    public static final Expected ANY = new Expected(null);

    public Expected {
      if (versions != null && versions.size() > MAX_EXPECTED) {
        throw new IllegalArgumentException("at most " + MAX_EXPECTED + " versions");
      }
      versions = versions == null ? null : List.copyOf(versions);
    }

    public boolean any() {
      return versions == null;
    }

    /** The condition to append to a WHERE clause: empty, or {@code AND version IN (...)}. */
    public String sql() {
      if (any()) {
        return "";
      }
      if (versions.isEmpty()) {
        return " AND 1 = 0";
      }
      var in = new StringBuilder(" AND version IN (");
      for (int i = 0; i < versions.size(); i++) {
        in.append(i == 0 ? "" : ", ").append("#{version").append(i).append('}');
      }
      return in.append(')').toString();
    }

    /** Binds the parameters {@link #sql} names. */
    public Map<String, Object> bind(Map<String, Object> params) {
      if (!any()) {
        for (int i = 0; i < versions.size(); i++) {
          params.put("version" + i, versions.get(i));
        }
      }
      return params;
    }

    /** Whether a row of {@code version} meets the condition (for reads, not writes). */
    public boolean matches(long version) {
      return any() || versions.contains(version);
    }
  }

  /**
   * A conditional write found the row, but at another version than expected: the HTTP layer answers
   * 412. Carries no stack trace.
   */
  public static final class Stale extends RuntimeException {
    public Stale() {
      super("the row changed since the version the request names", null, false, false);
    }
  }

  /** {@code value}, read at {@code version}: {@link Stale} unless that is an expected one. */
  public static <T> T unchanged(Expected expected, long version, T value) {
    if (!expected.matches(version)) {
      throw new Stale();
    }
    return value;
  }

  /**
   * The rows of a conditional write of a row known to exist (the caller's own user): none means it
   * is at another version, {@link Stale}.
   */
  public static RowSet<Row> existing(Expected expected, RowSet<Row> written) {
    if (!expected.any() && written.size() == 0) {
      throw new Stale();
    }
    return written;
  }

  /**
   * Runs a write of one owned row of {@code table} ({@code #{id}} and {@code #{owner}} bound in
   * {@code params}, {@code expected} already in its text and bound) in {@code scope}: the rows it
   * returned. When a conditional write returns none, one more statement tells a missing row (the
   * empty rows: 404) from a stale one ({@link Stale}).
   */
  public static Future<RowSet<Row>> writeOwned(
      Scope scope, String table, String sql, Map<String, Object> params, Expected expected) {
    var row = Map.of("id", params.get("id"), "owner", params.get("owner"));
    return scope
        .execute(sql, params)
        .compose(written -> settle(scope, expected, written, Rows.findOwned("id", table), row));
  }

  /**
   * The rows a write returned; when a conditional one returned none, {@code find} (a statement that
   * returns the row if it exists) tells a missing row (the empty rows: 404) from one at another
   * version ({@link Stale}).
   */
  public static Future<RowSet<Row>> settle(
      Scope scope,
      Expected expected,
      RowSet<Row> written,
      String find,
      Map<String, Object> findParams) {
    if (expected.any() || written.size() > 0) {
      return Future.succeededFuture(written);
    }
    return scope
        .execute(find, findParams)
        .compose(
            found ->
                found.size() > 0
                    ? Future.failedFuture(new Stale())
                    : Future.succeededFuture(written));
  }
}
