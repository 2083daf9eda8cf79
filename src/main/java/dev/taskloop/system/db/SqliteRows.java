package dev.taskloop.system.db;

import io.vertx.sqlclient.PropertyKind;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The rows (or the row count) of one statement run by {@link SqliteSession}, as the {@link RowSet}
 * every repository maps, so they read SQLite's answers with the same code as PostgreSQL's.
 */
final class SqliteRows implements RowSet<Row> {
  private final List<String> columns;
  private final List<Row> rows;
  private final int rowCount;

  private SqliteRows(List<String> columns, List<Row> rows, int rowCount) {
    this.columns = columns;
    this.rows = rows;
    this.rowCount = rowCount;
  }

  static SqliteRows of(List<String> columns, List<Row> rows) {
    return new SqliteRows(columns, rows, rows.size());
  }

  /** A statement without a result set: only how many rows it changed. */
  static SqliteRows updated(int count) {
    return new SqliteRows(List.of(), List.of(), count);
  }

  /** The types as the JDBC pool stores them: UUIDs and timestamps as their text. */
  static Object parameter(Object value) {
    return switch (value) {
      case UUID uuid -> uuid.toString();
      case LocalDateTime time -> time.toString();
      case null, default -> value;
    };
  }

  static List<Row> read(ResultSet results, List<String> columns) throws SQLException {
    var rows = new ArrayList<Row>();
    while (results.next()) {
      var values = new ArrayList<Object>(columns.size());
      for (int i = 1; i <= columns.size(); i++) {
        values.add(results.getObject(i));
      }
      rows.add(new ArrayRow(columns, values));
    }
    return rows;
  }

  @Override
  public RowIterator<Row> iterator() {
    var it = rows.iterator();
    return new RowIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        return it.next();
      }
    };
  }

  @Override
  public int rowCount() {
    return rowCount;
  }

  @Override
  public List<String> columnsNames() {
    return columns;
  }

  @Override
  public List<ColumnDescriptor> columnDescriptors() {
    return List.of();
  }

  @Override
  public int size() {
    return rows.size();
  }

  @Override
  public <V> V property(PropertyKind<V> kind) {
    return null;
  }

  @Override
  public RowSet<Row> value() {
    return this;
  }

  @Override
  public RowSet<Row> next() {
    return null;
  }
}
