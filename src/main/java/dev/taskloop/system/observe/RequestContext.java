package dev.taskloop.system.observe;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.AccessMode;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * What is known about the request being served, wherever its code runs: Vert.x serves each request
 * on a context of its own (a duplicate of the event loop's), and this rides on it as a context
 * local, so it survives every asynchronous hop (a database callback, a worker thread) where a
 * thread-local MDC would not. Log lines, leak warnings, metrics and traces read it from here.
 *
 * <p>The id is fixed when the request arrives; the route template and the user are learnt later
 * (routing, authentication) on the request's own context.
 */
public final class RequestContext {
  /** Registered before any {@code Vertx} exists: see {@link Registration}. */
  static final ContextLocal<RequestContext> KEY = ContextLocal.registerLocal(RequestContext.class);

  private final String id;
  private final long startNanos = System.nanoTime();
  private volatile String route;
  private volatile String userId;

  private RequestContext(String id) {
    this.id = id;
  }

  /** Starts the request's context on the current (the request's own) Vert.x context. */
  public static RequestContext begin(String id) {
    var request = new RequestContext(id);
    Context context = Vertx.currentContext();
    if (context != null) {
      KEY.put(context, AccessMode.CONCURRENT, request);
    }
    return request;
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

  public long startNanos() {
    return startNanos;
  }

  /** The route template (such as {@code /tasks/:id}), never the raw path; null until routed. */
  public String route() {
    return route;
  }

  public void route(String template) {
    this.route = template;
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
