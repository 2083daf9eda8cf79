package dev.taskloop.system.http;

import static net.logstash.logback.argument.StructuredArguments.v;

import dev.taskloop.system.observe.HttpServerMeters;
import dev.taskloop.system.observe.LogSetup;
import dev.taskloop.system.observe.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request on the logger {@value #LOGGER}, written when its response has ended:
 *
 * <pre>GET /tasks/{id} 200 1.42 ms 187 B user=5f0c...-... client=10.0.0.7</pre>
 *
 * method, route template ({@value #UNMATCHED} when no route matched: an unknown path, a 405, a
 * request too malformed to route; never the raw path), status, duration from the first handler to
 * the last byte handed to the connection, response body bytes, the caller's user id ({@code -} when
 * anonymous; never the key or the email) and the client's address ({@link ClientAddress}: the
 * socket peer, or behind {@code TRUSTED_PROXIES} the forwarded client). The request id is in the
 * line's MDC ({@code requestId}), as on every line of the request. In JSON each of these is a field
 * too ({@code method, route, status, durationMs, bytes, userId, client}).
 *
 * <p>Every answer is logged: problem answers, 404s, requests refused before their body was read
 * (401, 413, 415) and those the router never sees (malformed HTTP). A connection that closes before
 * the response ended is logged with status {@value #CLOSED} (nginx's "client closed request") if no
 * status line was sent yet, else with the status sent, and {@code incomplete} at the end.
 *
 * <p>The same end of the exchange records the request's {@link HttpServerMeters}, so one hook per
 * request serves both. With {@code ACCESS_LOG=false} and {@code METRICS_ENABLED=false} nothing is
 * registered per request. The line goes through an async appender (logback.xml), so an event loop
 * never waits on stdout.
 */
final class AccessLog {
  static final String LOGGER = "dev.taskloop.access";
  static final String UNMATCHED = HttpServerMeters.UNMATCHED;
  static final int CLOSED = 499;

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final boolean on;
  private final HttpServerMeters meters;
  private final ClientAddress clients;

  AccessLog(boolean on, HttpServerMeters meters, ClientAddress clients) {
    this.on = on;
    this.meters = meters;
    this.clients = clients;
  }

  private boolean any() {
    return meters.on() || (on && LOG.isInfoEnabled());
  }

  /** For a request the router serves: call from its first handler, on the request's context. */
  void routed(RoutingContext ctx) {
    if (any()) {
      Context context = Vertx.currentContext();
      HttpServerRequest request = ctx.request();
      var measured = meters.begin(request.method());
      // vertx-web's end handlers, not the response's own (a route may add its own end handler)
      ctx.addEndHandler(ended -> write(context, request, measured, ended.succeeded()));
    }
  }

  /** For a request the router never sees (malformed, unknown HTTP version), on its context. */
  void unrouted(HttpServerRequest request) {
    if (any()) {
      Context context = Vertx.currentContext();
      var measured = meters.begin(request.method());
      request
          .response()
          .endHandler(ended -> write(context, request, measured, request.response().ended()));
    }
  }

  /**
   * Logs on the request's own context, so the line carries its request id: a response ended by the
   * connection sweep (a 408) ends on the server's context.
   */
  private void write(
      Context context,
      HttpServerRequest request,
      HttpServerMeters.Request measured,
      boolean completed) {
    if (context instanceof ContextInternal internal && Vertx.currentContext() != context) {
      internal.dispatch(() -> ended(request, measured, completed));
    } else {
      ended(request, measured, completed);
    }
  }

  private void ended(HttpServerRequest request, HttpServerMeters.Request measured, boolean done) {
    RequestContext current = RequestContext.current();
    HttpServerResponse response = request.response();
    String route = current == null ? null : current.route();
    int status = done || response.headWritten() ? response.getStatusCode() : CLOSED;
    if (done) {
      meters.end(measured, route, status, request.bytesRead(), response.bytesWritten());
    } else {
      meters.reset(measured);
    }
    if (on && LOG.isInfoEnabled()) {
      line(request, current, route, status, done);
    }
  }

  private void line(
      HttpServerRequest request,
      RequestContext current,
      String route,
      int status,
      boolean completed) {
    HttpServerResponse response = request.response();
    long now = System.nanoTime();
    long started = current == null ? now : current.startNanos();
    String user = current == null ? null : current.userId();
    String method = request.method().name();
    String template = route == null ? UNMATCHED : route;
    double millis = Math.round((now - started) / 10_000.0) / 100.0;
    long bytes = response.bytesWritten();
    String userId = user == null ? "-" : user;
    String client = clients.of(request);
    String end = completed ? "" : " incomplete";
    if (!LogSetup.structured()) { // text: the message alone, without formatting eight arguments
      LOG.info(text(method, template, status, millis, bytes, userId, client, end));
      return;
    }
    LOG.info(
        "{} {} {} {} ms {} B user={} client={}{}",
        v("method", method),
        v("route", template),
        v("status", status),
        v("durationMs", millis),
        v("bytes", bytes),
        v("userId", userId),
        v("client", client),
        end);
  }

  private static String text(
      String method,
      String route,
      int status,
      double millis,
      long bytes,
      String user,
      String client,
      String end) {
    return new StringBuilder(128)
        .append(method)
        .append(' ')
        .append(route)
        .append(' ')
        .append(status)
        .append(' ')
        .append(millis)
        .append(" ms ")
        .append(bytes)
        .append(" B user=")
        .append(user)
        .append(" client=")
        .append(client)
        .append(end)
        .toString();
  }
}
