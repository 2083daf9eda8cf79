package dev.taskloop.system.http;

import dev.taskloop.system.observe.RequestContext;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every 5xx answer is logged, whatever raised it (a database fault, a full worker pool, a bug):
 * one line per cause, naming the request id, the method and the route template. A 503 (the service
 * cannot serve now and says when to come back) is a WARN without a stack trace; any other 5xx is an
 * ERROR, with the stack trace for a 500 (a bug, or a fault nobody classified).
 *
 * <p>Rate-limited per cause: at most one line per cause per {@link #PERIOD_MILLIS} ms for the whole
 * server (all its event loops share one instance, see {@link #of}); the lines that were skipped are
 * counted and the next line of that cause says how many there were and over how long. Under an
 * outage the log then shows each distinct cause once a second, not once per request; every request
 * is still in the access log and the metrics. A cause is the status with the problem's kind and
 * reason (e.g. {@code 503 database unavailable: TIMEOUT}), or for a 500 the exception class and
 * where it was thrown; at most {@link #MAX_CAUSES} distinct causes are tracked, the rest share one.
 */
final class ServerErrors implements Shareable {
  /** The logger these lines have always had: Problems is the one failure handler. */
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  static final long PERIOD_MILLIS = 1000;
  static final int MAX_CAUSES = 256;
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
  private static final String OTHER = "(other causes)";

  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /** The instance of the server that {@code vertx} runs (one per Vert.x instance). */
  static ServerErrors of(Vertx vertx) {
    var shared = vertx.sharedData().<String, ServerErrors>getLocalMap("taskloop.server-errors");
    ServerErrors mine = new ServerErrors();
    ServerErrors earlier = shared.putIfAbsent("instance", mine);
    return earlier == null ? mine : earlier;
  }

  /**
   * A 503: WARN, no stack trace. {@code cause} is the rate-limit key, {@code detail} extra text.
   */
  void unavailable(RoutingContext ctx, String cause, String detail) {
    Verdict verdict = admit("503 " + cause);
    if (verdict != null) {
      LOG.warn(
          "request {} {} {} -> 503: {}{}{}",
          RequestIds.of(ctx),
          ctx.request().method(),
          route(),
          cause,
          detail == null ? "" : " (" + detail + ")",
          verdict.suffix());
    }
  }

  /**
   * Another 5xx: ERROR, with {@code failure}'s stack trace for a 500, its text only for the others.
   */
  void failed(RoutingContext ctx, int status, Throwable failure) {
    if (status == 503) { // e.g. a vertx-web handler's: a 503 is a WARN whoever raised it
      unavailable(ctx, "HTTP 503", String.valueOf(failure));
      return;
    }
    Verdict verdict = admit(status + " " + where(failure));
    if (verdict == null) {
      return;
    }
    if (status == 500) {
      LOG.error(
          "request {} {} {} -> 500: {}{}",
          RequestIds.of(ctx),
          ctx.request().method(),
          route(),
          failure == null ? "no failure recorded" : failure.toString(),
          verdict.suffix(),
          failure);
    } else {
      LOG.error(
          "request {} {} {} -> {}: {}{}",
          RequestIds.of(ctx),
          ctx.request().method(),
          route(),
          status,
          String.valueOf(failure),
          verdict.suffix());
    }
  }

  /** The route template of the current request (never the raw path). */
  private static String route() {
    RequestContext request = RequestContext.current();
    String route = request == null ? null : request.route();
    return route == null ? AccessLog.UNMATCHED : route;
  }

  /** A 500's cause: the exception class and the frame it came from, so that two bugs differ. */
  private static String where(Throwable failure) {
    if (failure == null) {
      return "-";
    }
    StackTraceElement[] frames = failure.getStackTrace();
    return frames.length == 0
        ? failure.getClass().getName()
        : failure.getClass().getName() + " at " + frames[0];
  }

  /** Null to skip this line; else what to add about the lines skipped before it. */
  private Verdict admit(String cause) {
    long now = System.nanoTime();
    Window window = windows.get(cause);
    if (window == null) {
      String key = windows.size() >= MAX_CAUSES ? OTHER : cause;
      window = windows.computeIfAbsent(key, k -> new Window(now - PERIOD_NANOS));
    }
    return window.admit(now);
  }

  /** What was skipped since the previous line of one cause. */
  private record Verdict(long skipped, long sinceNanos) {
    String suffix() {
      if (skipped == 0) {
        return "";
      }
      return String.format(
          Locale.ROOT,
          " (%d more like it in the last %.1f s were not logged)",
          skipped,
          sinceNanos / 1e9);
    }
  }

  /** One cause: when its last line was written, and how many were skipped since. */
  private static final class Window {
    private final AtomicLong lastNanos;
    private final AtomicLong skipped = new AtomicLong();

    Window(long lastNanos) {
      this.lastNanos = new AtomicLong(lastNanos);
    }

    Verdict admit(long now) {
      long last = lastNanos.get();
      if (now - last >= PERIOD_NANOS && lastNanos.compareAndSet(last, now)) {
        return new Verdict(skipped.getAndSet(0), now - last);
      }
      skipped.incrementAndGet();
      return null;
    }
  }
}
