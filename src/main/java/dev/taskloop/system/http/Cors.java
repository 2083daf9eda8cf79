package dev.taskloop.system.http;

import dev.taskloop.system.config.Web;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS (the Fetch standard's protocol) for the origins of {@code CORS_ALLOWED_ORIGINS}, through
 * vertx-web's {@link CorsHandler}. It runs before every route, so before authentication: a
 * preflight carries no API key. From an allowed origin, a preflight ({@code OPTIONS} with {@code
 * Access-Control-Request-Method}) is answered here, 204 with the methods and request headers the
 * API takes and how long a browser may reuse that; any other request gets {@code
 * Access-Control-Allow-Origin} and the response headers a page may read, then goes its way.
 *
 * <p>A request from any other origin goes its way as if CORS were off, without a CORS header (so a
 * browser keeps the answer from the page, and fails a preflight), instead of vertx-web's 403:
 * browsers send {@code Origin} with same-origin writes too (Swagger UI's "Try it out" at {@code
 * /docs}), and those must keep working. Its preflight gets what every other {@code OPTIONS} gets:
 * 405 with {@code Allow}. Every answer names {@code Origin} in {@code Vary}, since its CORS headers
 * depend on it. No credentials are allowed: the API key is a header, never a cookie.
 */
final class Cors implements Handler<RoutingContext> {
  /** The methods of the API's routes. */
  static final List<HttpMethod> METHODS =
      List.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE);

  /** The request headers clients send beyond the CORS-safelisted ones. */
  static final List<String> REQUEST_HEADERS =
      List.of(
          "Authorization",
          "X-API-Key",
          "Content-Type",
          "Idempotency-Key",
          "If-Match",
          "If-None-Match",
          RequestIds.HEADER);

  /** The response headers a page may read beyond the CORS-safelisted ones. */
  static final List<String> EXPOSED_HEADERS =
      List.of(
          "Location",
          "Link",
          "ETag",
          "Retry-After",
          RequestIds.HEADER,
          "Idempotent-Replayed",
          "Content-Disposition");

  /** How long a browser may reuse a preflight's answer, in seconds (Chromium's cap: 2 hours). */
  static final int MAX_AGE_SECONDS = 7200;

  private final CorsHandler handler;
  private final boolean anyOrigin;
  private final Set<String> origins;

  private Cors(Web web) {
    this.anyOrigin = web.anyOrigin();
    this.origins = Set.copyOf(web.corsOrigins());
    var cors =
        CorsHandler.create()
            .allowedMethods(new LinkedHashSet<>(METHODS))
            .allowedHeaders(new LinkedHashSet<>(REQUEST_HEADERS))
            .exposedHeaders(new LinkedHashSet<>(EXPOSED_HEADERS))
            .allowCredentials(false)
            .maxAgeSeconds(MAX_AGE_SECONDS);
    this.handler = anyOrigin ? cors : cors.addOrigins(web.corsOrigins());
  }

  /** The CORS handler of {@code web}'s origins; null when CORS is off. */
  static Cors of(Web web) {
    return web.cors() ? new Cors(web) : null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // When the head is written: vertx-web's handler adds Origin to Vary itself in some cases.
    ctx.addHeadersEndHandler(written -> Vary.add(ctx.response(), "Origin"));
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin != null && allowed(origin)) {
      handler.handle(ctx);
    } else {
      ctx.next();
    }
  }

  private boolean allowed(String origin) {
    if (anyOrigin) { // also the opaque origin "null" (a sandboxed page): * is for anyone
      return origin.equals("null") || Web.origin(origin) != null;
    }
    return origins.contains(origin.toLowerCase(Locale.ROOT));
  }
}
