package dev.taskloop.system.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the current request's id into the MDC ({@code requestId}) of every log line written while
 * the request runs, on whichever thread and after whichever asynchronous hop: Logback asks this
 * filter on the logging thread before it makes the event, and the id comes from the Vert.x context
 * ({@link RequestContext}), not from a thread-local that a callback would not carry. Lines outside
 * of a request have no {@code requestId}. Disabled levels cost one comparison. With tracing on, the
 * request's trace and server span ids go in as {@code traceId} and {@code spanId} (W3C hex), so a
 * log line leads to its trace; without tracing, no line has them.
 */
final class RequestIdMdc extends TurboFilter {
  static final String KEY = "requestId";
  static final String TRACE_ID = "traceId";
  static final String SPAN_ID = "spanId";

  /** True once tracing was on in this JVM ({@link Tracing}): until then trace ids are skipped. */
  static volatile boolean traced;

  private RequestIdMdc() {}

  /** Adds the filter to Logback once per logger context (idempotent). */
  static synchronized void install() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: nothing to do
    }
    for (TurboFilter filter : context.getTurboFilterList()) {
      if (filter instanceof RequestIdMdc) {
        return;
      }
    }
    var filter = new RequestIdMdc();
    filter.setName("request-id");
    filter.start();
    context.addTurboFilter(filter);
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL; // an isEnabled() check, or a line that will not be written
    }
    RequestContext request = RequestContext.current();
    if (request == null) {
      MDC.remove(KEY);
    } else {
      MDC.put(KEY, request.id());
    }
    if (traced) { // else no line ever had trace ids: nothing to put or remove
      traceIds(request);
    }
    return FilterReply.NEUTRAL;
  }

  /** The MDC's {@code traceId} and {@code spanId}: the request's server span, when traced. */
  private static void traceIds(RequestContext request) {
    String traceId = request == null ? null : request.traceId();
    if (traceId == null) {
      MDC.remove(TRACE_ID);
      MDC.remove(SPAN_ID);
    } else {
      MDC.put(TRACE_ID, traceId);
      MDC.put(SPAN_ID, request.spanId());
    }
  }
}
