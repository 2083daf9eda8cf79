package dev.taskloop.system.db;

import io.vertx.sqlclient.PropertyKind;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.List;

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
