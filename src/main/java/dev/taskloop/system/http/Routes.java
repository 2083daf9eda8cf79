package dev.taskloop.system.http;

import dev.taskloop.system.observe.RequestContext;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Registers endpoints on a router and remembers them: the list answers {@code Allow} for 405 and is
 * what the OpenAPI contract test compares with the document. Paths are written as in OpenAPI
 * ({@code /tasks/{id}}); each works with and without a trailing slash. Endpoints require an API key
 * unless registered with a {@code public*} method.
 */
public final class Routes {
  private static final String BODY_FOLLOWS = "taskloop.bodyFollows";

  /** Largest request body accepted; larger ones get 413 before they are buffered. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  /** One registered operation; {@code documented} is false for static assets. */
  public record Endpoint(
      HttpMethod method, String path, boolean documented, boolean authenticated) {}

  private final Router router;
  private final Handler<RoutingContext> authenticate;
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<Pattern> patterns = new ArrayList<>();

  /**
   * @param authenticate runs before every non-public endpoint's handler: it either lets the request
   *     through ({@code ctx.next()}) with the caller's identity, or fails it with 401
   */
  public Routes(Router router, Handler<RoutingContext> authenticate) {
    this.router = router;
    this.authenticate = authenticate;
  }

  /** GET, and HEAD on the same handler (Vert.x sends HEAD answers without their body). */
  public void get(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.GET, path, handler, false, true, true);
  }

  public void post(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.POST, path, handler, true, true, true);
  }

  public void patch(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.PATCH, path, handler, true, true, true);
  }

  public void put(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.PUT, path, handler, true, true, true);
  }

  public void delete(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.DELETE, path, handler, false, true, true);
  }

  /** A GET anyone may call (health, documentation). */
  public void publicGet(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.GET, path, handler, false, true, false);
  }

  /** A POST anyone may call (sign-up, login). */
  public void publicPost(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.POST, path, handler, true, true, false);
  }

  /** A public GET route the API document does not list (documentation assets). */
  public void undocumentedGet(String path, Handler<RoutingContext> handler) {
    add(HttpMethod.GET, path, handler, false, false, false);
  }

  /**
   * First handler of every route: the request's route template as the API document writes it (such
   * as {@code /tasks/{id}}), the one spelling of logs, metrics and traces, which must never see the
   * raw path.
   */
  private static void routed(RoutingContext ctx, String template) {
    RequestContext request = RequestContext.current();
    if (request != null) {
      request.route(template);
    }
    ctx.next();
  }

  /** Marks a request whose route reads a body after authentication (see {@link #aboutToWait}). */
  private static void markBody(RoutingContext ctx) {
    ctx.put(BODY_FOLLOWS, Boolean.TRUE);
    ctx.next();
  }

  /**
   * Called by a handler that runs before the body is read and is about to wait for something
   * asynchronous (authentication asking the database): pauses the request so that its body is not
   * lost meanwhile; the BodyHandler resumes it. Handlers that finish at once need not call it, and
   * a request refused before its body is read has it never read (an anonymous caller cannot make
   * the server buffer it).
   */
  public static void aboutToWait(RoutingContext ctx) {
    if (ctx.get(BODY_FOLLOWS) != null) {
      ctx.request().pause();
    }
  }

  /**
   * Refuses, before it is read, a body of a content type the route does not take: 415, and no form
   * or multipart body is ever decoded.
   */
  private static void refuseUnsupportedBody(RoutingContext ctx) {
    ApiException unsupported =
        Requests.declaresBody(ctx.request()) ? Requests.unsupportedMediaType(ctx.request()) : null;
    if (unsupported != null) {
      ctx.fail(unsupported);
      return;
    }
    ctx.next();
  }

  public List<Endpoint> endpoints() {
    return Collections.unmodifiableList(endpoints);
  }

  /** Methods registered for a concrete request path, for the {@code Allow} header of a 405. */
  public String allowedMethods(String requestPath) {
    String path =
        requestPath.length() > 1 && requestPath.endsWith("/")
            ? requestPath.substring(0, requestPath.length() - 1)
            : requestPath;
    var methods = new TreeSet<String>();
    for (int i = 0; i < endpoints.size(); i++) {
      if (patterns.get(i).matcher(path).matches()) {
        methods.add(endpoints.get(i).method().name());
        if (endpoints.get(i).method() == HttpMethod.GET) {
          methods.add(HttpMethod.HEAD.name());
        }
      }
    }
    return String.join(", ", methods);
  }

  private void add(
      HttpMethod method,
      String path,
      Handler<RoutingContext> handler,
      boolean body,
      boolean documented,
      boolean authenticated) {
    String vertxPath = path.replaceAll("\\{(\\w+)}", ":$1");
    // Named as in OpenAPI: the name is the route label of the HTTP meters (never the raw path).
    var route = router.route(method, vertxPath).setName(path);
    if (method == HttpMethod.GET) {
      route.method(HttpMethod.HEAD);
    }
    // vertx-web orders handlers by kind and puts body handlers before authentication; the ones
    // that must run before the body is read are marked as platform handlers.
    route.handler((PlatformHandler) ctx -> routed(ctx, path));
    if (body) {
      route.handler((PlatformHandler) Routes::markBody);
    }
    if (authenticated) {
      route.handler(body ? (PlatformHandler) authenticate::handle : authenticate);
    }
    if (body) {
      route.handler((PlatformHandler) Routes::refuseUnsupportedBody);
      route.handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    }
    route.handler(handler);
    endpoints.add(new Endpoint(method, path, documented, authenticated));
    String regex =
        path.endsWith("*")
            ? Pattern.quote(path.substring(0, path.length() - 1)) + ".*"
            : path.replaceAll("\\{(\\w+)}", "[^/]+");
    patterns.add(Pattern.compile(regex));
  }
}
