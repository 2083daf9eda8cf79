package dev.taskloop.system.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.Map;
import java.util.function.Function;

/** Writes that commit one statement at a time, on the write pool; see {@link Writes.Scope}. */
final class AutoCommit implements Writes.Scope {
  private final Database db;

  AutoCommit(Database db) {
    this.db = db;
  }

  @Override
  public Future<RowSet<Row>> execute(String sql, Map<String, Object> params) {
    return db.write(sql, params);
  }

  @Override
  public <T> Future<T> transaction(Function<Writes.Scope, Future<T>> work) {
    return db.inTransaction(tx -> work.apply(db.within(tx)));
  }
}
