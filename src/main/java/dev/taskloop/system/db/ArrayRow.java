package dev.taskloop.system.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Row} over values read by plain JDBC ({@link SqliteCursor}), so repositories map its rows
 * with the same code as every other row. Typed getters come from {@link Tuple}'s defaults.
 */
final class ArrayRow implements Row {
  private final List<String> columns;
  private final List<Object> values;

  ArrayRow(List<String> columns, List<Object> values) {
    this.columns = columns;
    this.values = values;
  }

  @Override
  public String getColumnName(int pos) {
    return pos >= 0 && pos < columns.size() ? columns.get(pos) : null;
  }

  @Override
  public int getColumnIndex(String column) {
    return columns.indexOf(column);
  }

  @Override
  public Object getValue(int pos) {
    return values.get(pos);
  }

  @Override
  public Tuple addValue(Object value) {
    values.add(value);
    return this;
  }

  @Override
  public int size() {
    return values.size();
  }

  @Override
  public void clear() {
    values.clear();
  }

  @Override
  public List<Class<?>> types() {
    var types = new ArrayList<Class<?>>(values.size());
    for (Object value : values) {
      types.add(value == null ? Object.class : value.getClass());
    }
    return types;
  }
}
