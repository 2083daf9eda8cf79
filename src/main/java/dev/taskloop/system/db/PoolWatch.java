package dev.taskloop.system.db;

import dev.taskloop.system.observe.RequestContext;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The checkouts of one pool (see {@link PoolSnapshot}): every statement, transaction, export stream
 * or report connection that holds or waits for one of its connections, registered when the service
 * asks for the connection and removed when it is returned. The hot path is one small object and a
 * concurrent set's add and remove per checkout, no lock; everything else (in use, waiting, the
 * oldest checkout, leaks) is worked out from the set when someone looks ({@code /admin/pool}, a
 * scrape, {@link LeakWatch}'s timer).
 *
 * <p>In use and waiting come from the number of checkouts and the connections the pool has open: a
 * pool hands out a free connection at once and opens new ones up to its maximum, so checkouts
 * beyond what the open connections carry are the ones waiting.
 */
final class PoolWatch {
  private final String name;
  private final int maxSize;
  private final int perConnection;
  private final IntSupplier open;
  private final Timer acquire;
  private final Set<Checkout> live = ConcurrentHashMap.newKeySet();
  private final LongAdder acquireTimeouts = new LongAdder();
  private final LongAdder leakWarnings = new LongAdder();

  /**
   * @param perConnection checkouts one connection carries at once: 1, or the pipelining limit
   * @param open connections open now
   * @param acquire how long checkouts that say so ({@link #acquired}) waited for their connection
   */
  PoolWatch(String name, int maxSize, int perConnection, IntSupplier open, Timer acquire) {
    this.name = name;
    this.maxSize = maxSize;
    this.perConnection = perConnection;
    this.open = open;
    this.acquire = acquire;
  }

  String name() {
    return name;
  }

  boolean pipelined() {
    return perConnection > 1;
  }

  /** A checkout for the request being served on the calling thread (if any). */
  Checkout checkout(String what) {
    Context context = Vertx.currentContext();
    return checkout(what, context == null ? null : RequestContext.current(), context);
  }

  /**
   * A checkout on behalf of {@code request} (null: none), whose log lines go to {@code context}
   * (null: written on the thread that finds them).
   */
  Checkout checkout(String what, RequestContext request, Context context) {
    var checkout = new Checkout(this, what, request, context);
    live.add(checkout);
    return checkout;
  }

  Iterable<Checkout> live() {
    return live;
  }

  /** A checkout got its connection {@code nanos} after asking. */
  void acquired(long nanos) {
    acquire.record(nanos, TimeUnit.NANOSECONDS);
  }

  void acquireTimedOut() {
    acquireTimeouts.increment();
  }

  long acquireTimeouts() {
    return acquireTimeouts.sum();
  }

  long leakWarnings() {
    return leakWarnings.sum();
  }

  PoolSnapshot snapshot() {
    long now = System.nanoTime();
    int checkouts = 0;
    Checkout oldest = null;
    for (Checkout checkout : live) {
      checkouts++;
      if (oldest == null || checkout.startNanos - oldest.startNanos < 0) {
        oldest = checkout;
      }
    }
    int size = Math.max(0, open.getAsInt());
    int inUse = (int) Math.min(checkouts, (long) size * perConnection);
    return new PoolSnapshot(
        name,
        maxSize,
        size,
        inUse,
        pipelined() ? null : Math.max(0, size - inUse),
        checkouts - inUse,
        oldest == null ? null : oldest.ageMillis(now),
        oldest == null ? null : oldest.route(),
        oldest == null ? null : oldest.requestId(),
        acquireTimeouts(),
        leakWarnings());
  }

  /**
   * One statement, transaction, stream or connection that holds or waits for a connection of the
   * pool, from {@link #checkout} until {@link #close}. It is warned about at most once ({@link
   * LeakWatch}); if it was, closing it says after how long it came back.
   */
  static final class Checkout implements AutoCloseable {
    private static final int LIVE = 0, WARNED = 1, CLOSED = 2;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Checkout.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final PoolWatch pool;
    private final String what;
    private final long startNanos = System.nanoTime();
    private final RequestContext request;
    private final Context context;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    private Checkout(PoolWatch pool, String what, RequestContext request, Context context) {
      this.pool = pool;
      this.what = what;
      this.request = request;
      this.context = context;
    }

    /** Returns the connection (idempotent). */
    @Override
    public void close() {
      pool.live.remove(this);
      if ((int) STATE.getAndSet(this, CLOSED) == WARNED) {
        LeakWatch.returned(this, System.nanoTime());
      }
    }

    /** Marks it as warned about, once; false if it was already, or is closed. */
    boolean warn() {
      if (STATE.compareAndSet(this, LIVE, WARNED)) {
        pool.leakWarnings.increment();
        return true;
      }
      return false;
    }

    PoolWatch pool() {
      return pool;
    }

    String what() {
      return what;
    }

    long ageMillis(long nowNanos) {
      return TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos);
    }

    /** Where its log lines are written: the request's own context, or null (anywhere). */
    Context context() {
      return context;
    }

    /** The route template of its request, read now (routing may come after the checkout). */
    String route() {
      String route = request == null ? null : request.route();
      return route == null ? "-" : route;
    }

    String requestId() {
      return request == null ? "-" : request.id();
    }
  }
}
