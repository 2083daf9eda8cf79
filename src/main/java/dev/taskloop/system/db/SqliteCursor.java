package dev.taskloop.system.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import javax.sql.DataSource;

/**
 * A {@link RowStream} over a real JDBC cursor on SQLite: rows are read {@code fetchSize} at a time
 * on a worker thread, only when the consumer wants more, so the first row arrives at once and
 * memory stays flat whatever the size of the result. (vertx-jdbc-client 5.0.10's own cursor runs
 * the whole query and decodes every row before handing out the first.) The statement timeout bounds
 * each fetch, not the whole stream. The connection is its own, outside the pool, and is closed when
 * the stream ends, fails or is closed.
 *
 * <p>Threads: the handlers run on {@code context} (the request's event loop); JDBC calls run one at
 * a time on its worker threads ({@code executeBlocking}, ordered).
 */
final class SqliteCursor implements RowStream<Row> {
  private final Context context;
  private final DataSource source;
  private final ScheduledExecutorService timer;
  private final String sql;
  private final Tuple params;
  private final int fetchSize;
  private final long timeoutMillis;
  private final Runnable onRelease;

  // Worker side: touched only inside executeBlocking.
  private Connection connection;
  private PreparedStatement statement;
  private ResultSet results;
  private List<String> columns;

  // Event-loop side.
  private final ArrayDeque<Row> buffer = new ArrayDeque<>();
  private Handler<Row> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private boolean paused;
  private boolean fetching;
  private boolean exhausted;
  private boolean done;

  SqliteCursor(
      Context context,
      DataSource source,
      ScheduledExecutorService timer,
      String sql,
      Tuple params,
      int fetchSize,
      long timeoutMillis,
      Runnable onRelease) {
    this.context = context;
    this.source = source;
    this.timer = timer;
    this.sql = sql;
    this.params = params;
    this.fetchSize = fetchSize;
    this.timeoutMillis = timeoutMillis;
    this.onRelease = onRelease;
  }

  @Override
  public RowStream<Row> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public RowStream<Row> handler(Handler<Row> handler) {
    this.handler = handler;
    if (handler != null) {
      deliver();
    }
    return this;
  }

  @Override
  public RowStream<Row> pause() {
    paused = true;
    return this;
  }

  @Override
  public RowStream<Row> resume() {
    paused = false;
    deliver();
    return this;
  }

  @Override
  public RowStream<Row> fetch(long amount) {
    return resume();
  }

  @Override
  public RowStream<Row> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public Future<Void> close() {
    if (done) {
      return Future.succeededFuture();
    }
    done = true;
    buffer.clear();
    return release();
  }

  /** Hands buffered rows to the handler while it wants them; fetches more when they run out. */
  private void deliver() {
    while (!done && !paused && handler != null && !buffer.isEmpty()) {
      handler.handle(buffer.poll());
    }
    if (done || paused || handler == null || !buffer.isEmpty() || fetching) {
      return;
    }
    if (exhausted) {
      done = true;
      release()
          .onComplete(
              closed -> {
                if (endHandler != null) {
                  endHandler.handle(null);
                }
              });
      return;
    }
    fetching = true;
    context
        .executeBlocking(this::readBatch, true)
        .onComplete(
            batch -> {
              fetching = false;
              if (done) {
                return; // closed meanwhile: release() already ran or will run
              }
              if (batch.failed()) {
                done = true;
                release();
                if (exceptionHandler != null) {
                  exceptionHandler.handle(DbErrors.classify(batch.cause()));
                }
                return;
              }
              buffer.addAll(batch.result());
              exhausted = batch.result().size() < fetchSize;
              deliver();
            });
  }

  /** Worker thread: opens the cursor on first use, then reads up to {@code fetchSize} rows. */
  private List<Row> readBatch() throws SQLException {
    if (results == null) {
      connection = source.getConnection();
      statement = connection.prepareStatement(sql);
      for (int i = 0; i < params.size(); i++) {
        Object value = params.getValue(i);
        statement.setObject(i + 1, value instanceof UUID uuid ? uuid.toString() : value);
      }
    }
    ScheduledFuture<?> timeout =
        timeoutMillis > 0 ? SqlitePools.cancelAfter(timer, statement, timeoutMillis) : null;
    try {
      if (results == null) {
        results = statement.executeQuery();
        columns = columns(results.getMetaData());
      }
      var rows = new ArrayList<Row>(fetchSize);
      while (rows.size() < fetchSize && results.next()) {
        var values = new ArrayList<Object>(columns.size());
        for (int i = 1; i <= columns.size(); i++) {
          values.add(results.getObject(i));
        }
        rows.add(new ArrayRow(columns, values));
      }
      return rows;
    } finally {
      if (timeout != null) {
        timeout.cancel(false);
      }
    }
  }

  private Future<Void> release() {
    return context
        .<Void>executeBlocking(
            () -> {
              try (Connection c = connection;
                  PreparedStatement s = statement;
                  ResultSet r = results) {
                return null; // try-with-resources closes them in reverse order, nulls skipped
              }
            },
            true)
        .eventually(
            () -> {
              onRelease.run();
              return Future.succeededFuture();
            })
        .recover(e -> Future.succeededFuture());
  }

  private static List<String> columns(ResultSetMetaData meta) throws SQLException {
    var names = new ArrayList<String>(meta.getColumnCount());
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      names.add(meta.getColumnLabel(i));
    }
    return List.copyOf(names);
  }
}
