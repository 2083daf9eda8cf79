package dev.taskloop.system.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.Map;
import java.util.function.Function;

/** Statements on the connection of a transaction someone else opened; see {@link Writes.Scope}. */
final class Within implements Writes.Scope {
  private final Database db;
  private final SqlConnection tx;

  Within(Database db, SqlConnection tx) {
    this.db = db;
    this.tx = tx;
  }

  @Override
  public Future<RowSet<Row>> execute(String sql, Map<String, Object> params) {
    return db.on(tx, sql, params);
  }

  /**
   * Already in one: the work joins it (commits or rolls back with it). No savepoint: on PostgreSQL
   * a statement that fails aborts the whole transaction, so work in here may translate a failure
   * (such as a unique violation) into its own, but not go on writing after it.
   */
  @Override
  public <T> Future<T> transaction(Function<Writes.Scope, Future<T>> work) {
    return work.apply(this);
  }
}
