package dev.taskloop.system.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rows of the service's tables: the owner scoping that every per-user statement shares, and column
 * values that the two drivers return as different Java types.
 */
public final class Rows {
  /**
   * The condition of every statement on one row of a per-user table: the row with {@code #{id}}, if
   * it is {@code #{owner}}'s. Another user's row is as absent as a missing one.
   */
  public static final String OWNED_ROW = " WHERE id = #{id} AND owner_id = #{owner}";

  private Rows() {}

  /** {@code SELECT columns FROM table} of one owned row. */
  public static String findOwned(String columns, String table) {
    return "SELECT " + columns + " FROM " + table + OWNED_ROW;
  }

  /**
   * Deletes one owned row at an expected version, returning its id (no row: it was absent, another
   * user's or, under a condition, at another version; see {@link Writes#writeOwned}).
   */
  public static String deleteOwned(String table, Writes.Expected expected) {
    return "DELETE FROM " + table + OWNED_ROW + expected.sql() + " RETURNING id";
  }

  /**
   * A timestamp stored as UTC: timestamptz on PostgreSQL, text on SQLite in any form {@link
   * Timestamps} reads.
   */
  public static Instant instant(Row row, String column) {
    return switch (row.getValue(column)) {
      case null -> null;
      case OffsetDateTime offset -> offset.toInstant();
      case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
      case String text -> Timestamps.parse(text);
      case Long millis -> Instant.ofEpochMilli(millis);
      case Integer millis -> Instant.ofEpochMilli(millis);
      case Object other ->
          throw new IllegalStateException(column + " is not a timestamp: " + other.getClass());
    };
  }

  /** The first row mapped, or empty when there is none. */
  public static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> mapper) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(mapper.apply(it.next())) : Optional.empty();
  }

  /** An instant at the precision both databases store (microseconds); null stays null. */
  public static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  /** A boolean: BOOLEAN on PostgreSQL, 0/1 on SQLite. */
  public static boolean bool(Row row, String column) {
    return switch (row.getValue(column)) {
      case Boolean b -> b;
      case Number n -> n.intValue() != 0;
      case null -> throw new IllegalStateException(column + " is null");
      default -> throw new IllegalStateException(column + " is not a boolean");
    };
  }
}
