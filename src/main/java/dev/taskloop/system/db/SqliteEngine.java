package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.DatabaseException.Unavailable;
import dev.taskloop.system.db.DatabaseException.Unavailable.Reason;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that own SQLite connections and run single statements on them: the embedded database's
 * fast path for {@link Database#read}, {@link Database#scan} and {@link Database#write}. A
 * statement is queued, taken by a free thread, run on that thread's own connection with its
 * statement cache ({@link SqliteSession}), and its promise completes on the caller's Vert.x
 * context. Readers are several (WAL: readers never wait for the writer); {@link SqliteWriter} is
 * one thread, since SQLite has one write lock, and commits the writes queued meanwhile together
 * (group commit).
 *
 * <p>The pool guards apply to each queue as to a pool: at most {@code DB_POOL_MAX_WAITING} wait
 * (one more: 503 at once); one that waited past the acquire timeout fails (503) unrun; lifetime,
 * idle and statement timeout: {@link SqliteSession}.
 */
final class SqliteEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteEngine.class);

  /** How often an idle thread wakes to look at its connection's idle time. */
  static final long IDLE_POLL_MS = 250;

  /** How often the queue is swept for statements past their acquire timeout. */
  static final long SWEEP_MS = 50;

  private final Vertx vertx;
  private final String name;
  private final int maxWaiting;
  private final long acquireNanos;
  private final LinkedBlockingQueue<SqliteJob> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger idle = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private final List<SqliteSession> sessions = new ArrayList<>();
  private final long sweeper;
  private volatile boolean closed;

  /** Threads named {@code name-N} (or {@code name} alone) are started by the factories. */
  private SqliteEngine(Vertx vertx, String name, AppConfig config) {
    this.vertx = vertx;
    this.name = name;
    this.maxWaiting = config.poolGuards().maxWaiting();
    this.acquireNanos = config.acquireTimeout().toNanos();
    // a statement queued behind a stuck thread still fails at its acquire timeout, not later
    this.sweeper = vertx.setPeriodic(SWEEP_MS, id -> queue.removeIf(this::expired));
  }

  /** {@link SqlitePools#readerCount} reader threads, each with a session from {@code session}. */
  static SqliteEngine readers(Vertx vertx, AppConfig config, Supplier<SqliteSession> session) {
    var engine = new SqliteEngine(vertx, "sqlite-reader", config);
    for (int i = 0; i < SqlitePools.readerCount(config); i++) {
      SqliteSession own = session.get();
      engine.start(i, own, job -> engine.runOne(own, job));
    }
    return engine;
  }

  /** One writer thread committing groups ({@link SqliteWriter}). */
  static SqliteEngine writer(Vertx vertx, AppConfig config, SqliteSession session) {
    var engine = new SqliteEngine(vertx, "sqlite-writer", config);
    engine.startBatching(session, new SqliteWriter(session));
    return engine;
  }

  /** Queues one statement; the future completes on the caller's context. */
  Future<RowSet<Row>> run(String sql, Map<String, Object> params) {
    ContextInternal context = context();
    Object span = SqliteTrace.start(context, sql);
    Future<RowSet<Row>> result = queue(context, sql, params);
    return span == null ? result : result.andThen(done -> SqliteTrace.end(context, span, done));
  }

  private Future<RowSet<Row>> queue(
      ContextInternal context, String sql, Map<String, Object> params) {
    Promise<RowSet<Row>> promise = context.promise();
    if (closed) {
      promise.fail(new Unavailable(Reason.UNREACHABLE, null));
      return promise.future();
    }
    NamedSql named = NamedSql.of(sql);
    var job = new SqliteJob(named.jdbc(), named.values(params), promise, System.nanoTime());
    synchronized (queue) { // the bound's check and the offer as one: a burst cannot overshoot it
      if (maxWaiting >= 0 && queue.size() + 1 - idle.get() > maxWaiting) {
        promise.fail(new Unavailable(Reason.POOL_QUEUE_FULL, null));
        return promise.future();
      }
      queue.offer(job);
    }
    if (closed && queue.remove(job)) { // closed meanwhile: the threads may be gone already
      job.fail(new Unavailable(Reason.UNREACHABLE, null));
    }
    return promise.future();
  }

  int threads() {
    return threads.size();
  }

  /** Connections open now (the pool's size in /admin/pool and the meters). */
  int size() {
    synchronized (sessions) {
      return (int) sessions.stream().filter(SqliteSession::open).count();
    }
  }

  /** Stops taking work; statements queued still run, then the connections close. */
  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(sweeper);
    return vertx.executeBlocking(
        () -> {
          for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
          }
          SqliteJob left; // none, unless a thread hung past its 30 s: no request waits forever
          while ((left = queue.poll()) != null) {
            left.fail(new Unavailable(Reason.UNREACHABLE, null));
          }
          return null;
        },
        false);
  }

  private ContextInternal context() {
    Context current = Vertx.currentContext();
    return (ContextInternal) (current != null ? current : vertx.getOrCreateContext());
  }

  private void runOne(SqliteSession session, SqliteJob job) {
    try {
      job.promise().tryComplete(session.run(job.sql(), job.values()));
    } catch (Throwable e) {
      job.fail(e);
    }
  }

  private void start(int index, SqliteSession session, Consumer<SqliteJob> work) {
    startThread(
        name + "-" + index,
        session,
        () -> {
          SqliteJob job = next(session);
          if (job != null) {
            work.accept(job);
          }
        });
  }

  private void startBatching(SqliteSession session, SqliteWriter writer) {
    startThread(
        name,
        session,
        () -> {
          SqliteJob first = next(session);
          if (first == null) {
            return;
          }
          var group = new ArrayList<SqliteJob>();
          group.add(first);
          queue.drainTo(group, SqliteWriter.MAX_GROUP - 1);
          group.removeIf(this::expired);
          writer.commit(group);
        });
  }

  private void startThread(String threadName, SqliteSession session, Runnable step) {
    synchronized (sessions) {
      sessions.add(session);
    }
    Thread thread =
        Thread.ofPlatform()
            .name(threadName)
            .daemon(true)
            .start(
                () -> {
                  try {
                    while (!closed || !queue.isEmpty()) {
                      steadily(step, session);
                    }
                  } finally {
                    session.close();
                  }
                });
    threads.add(thread);
  }

  /**
   * One step of a thread's loop, which nothing may end but {@link #close}: a failure that escaped
   * the step's own handling (a bug) is logged, the connection replaced, and the thread goes on.
   */
  private void steadily(Runnable step, SqliteSession session) {
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      LOG.error("{}: a statement thread's step failed; its connection is replaced", name, e);
      session.close();
    }
  }

  /** The next job that has not waited too long, or null after an idle poll. */
  private SqliteJob next(SqliteSession session) {
    idle.incrementAndGet();
    SqliteJob job;
    try {
      job = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return null;
    } finally {
      idle.decrementAndGet();
    }
    if (job == null) {
      session.closeIfIdle();
      return null;
    }
    return expired(job) ? null : job;
  }

  /** Fails a job that waited past the acquire timeout; true when it did. */
  private boolean expired(SqliteJob job) {
    if (job.waitedPast(acquireNanos)) {
      job.fail(new Unavailable(Reason.POOL_EXHAUSTED, null));
      return true;
    }
    return false;
  }
}
