package dev.taskloop.system.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.AccessMode;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * What is known about the request being served, wherever its code runs: Vert.x serves each request
 * on a context of its own (a duplicate of the event loop's), and this rides on it as a context
 * local, so it survives every asynchronous hop (a database callback, a worker thread) where a
 * thread-local MDC would not. Log lines, leak warnings, metrics and traces read it from here. When
 * tracing is on it also holds the request's server span, so that every log line of the request (the
 * access log too, written after Vert.x has ended the span) carries its trace id.
 *
 * <p>The id is fixed when the request arrives; the route template and the user are learnt later
 * (routing, authentication) on the request's own context.
 */
public final class RequestContext {
  /** Registered before any {@code Vertx} exists: see {@link Registration}. */
  static final ContextLocal<RequestContext> KEY = ContextLocal.registerLocal(RequestContext.class);

  private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");

  private final String id;
  private final String method;
  private final long startNanos = System.nanoTime();
  private final Span span; // the request's server span; null when tracing is off
  private volatile String route;
  private volatile String userId;

  private RequestContext(String id, String method, Span span) {
    this.id = id;
    this.method = method;
    this.span = span;
  }

  /**
   * Starts the request's context on the current (the request's own) Vert.x context; {@code method}
   * is the request's HTTP method.
   */
  public static RequestContext begin(String id, String method) {
    Context context = Vertx.currentContext();
    var request = new RequestContext(id, method, serverSpan(context));
    if (context != null) {
      KEY.put(context, AccessMode.CONCURRENT, request);
    }
    return request;
  }

  /**
   * The span Vert.x started for the request on its context, or null when this Vert.x has no tracer
   * (then nothing of OpenTelemetry is touched).
   */
  private static Span serverSpan(Context context) {
    if (!(context instanceof ContextInternal internal) || internal.tracer() == null) {
      return null;
    }
    Span span = Span.current(); // OpenTelemetry's context lives on the Vert.x context
    return span.getSpanContext().isValid() ? span : null;
  }

  /** The request being served on the calling thread, or null outside of one. */
  public static RequestContext current() {
    Context context = Vertx.currentContext();
    return context == null ? null : KEY.get(context, AccessMode.CONCURRENT);
  }

  /** The request id of the request being served, or null outside of one. */
  public static String currentId() {
    RequestContext request = current();
    return request == null ? null : request.id;
  }

  public String id() {
    return id;
  }

  /** The request's HTTP method. */
  public String method() {
    return method;
  }

  /** The trace id (32 hex digits) of the request's server span, or null when not traced. */
  public String traceId() {
    return span == null ? null : span.getSpanContext().getTraceId();
  }

  /** The span id (16 hex digits) of the request's server span, or null when not traced. */
  public String spanId() {
    return span == null ? null : span.getSpanContext().getSpanId();
  }

  public long startNanos() {
    return startNanos;
  }

  /** The route template (such as {@code /tasks/{id}}), never the raw path; null until routed. */
  public String route() {
    return route;
  }

  /**
   * Records the route template the request was routed to; a traced request's server span is named
   * after it ({@code GET /tasks/{id}}) and gets it as {@code http.route} (OpenTelemetry's HTTP
   * conventions), where Vert.x names it by the method alone.
   */
  public void route(String template) {
    this.route = template;
    if (span != null) {
      span.updateName(method + " " + template);
      span.setAttribute(HTTP_ROUTE, template);
    }
  }

  /** The authenticated user's id, or null (anonymous, or not authenticated yet). */
  public String userId() {
    return userId;
  }

  public void userId(String id) {
    this.userId = id;
  }

  /**
   * Registers {@link #KEY} before the first {@code Vertx} is built (a Vert.x context sizes its
   * locals when it is created): Vert.x loads this provider through {@code META-INF/services}, and
   * loading it initialises this class. It also puts the request id into every log line ({@link
   * RequestIdMdc}).
   */
  public static final class Registration implements VertxServiceProvider {
    @Override
    public void init(VertxBootstrap builder) {
      if (KEY == null) {
        throw new IllegalStateException("RequestContext.KEY is not registered");
      }
      RequestIdMdc.install();
    }
  }
}
