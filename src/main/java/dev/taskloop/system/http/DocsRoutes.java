package dev.taskloop.system.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API document ({@code /openapi.json}, hand-written in {@code src/main/resources/openapi.json}
 * and checked against the routes by OpenApiContractIT), Swagger UI at {@code /docs} and ReDoc at
 * {@code /redoc}, served from their webjars inside the jar: no CDN. {@code /} answers a small JSON
 * index of these and the health checks.
 */
final class DocsRoutes {
  /** Must match {@code swagger-ui.version} in pom.xml: it is part of the path inside the webjar. */
  static final String SWAGGER_UI_VERSION = "5.34.1";

  /** Must match {@code redoc.version} in pom.xml, for the same reason. */
  static final String REDOC_VERSION = "2.1.5";

  private static final String WEBJAR =
      "META-INF/resources/webjars/swagger-ui/" + SWAGGER_UI_VERSION;
  private static final String REDOC_WEBJAR = "META-INF/resources/webjars/redoc/" + REDOC_VERSION;
  // Read once per process (every HttpVerticle has its DocsRoutes); a Buffer is safe to send from
  // several event loops, each response writes its own view of it.
  private static final Buffer OPENAPI = resource("openapi.json");

  /** The document gzipped once: sent to clients that accept gzip, whatever the compression. */
  private static final Buffer OPENAPI_GZIP = Compression.gzip(OPENAPI);

  private static final Buffer INDEX = resource("docs/index.html");
  private static final Buffer INITIALIZER = resource("docs/swagger-initializer.js");
  private static final Buffer REDOC = resource("docs/redoc.html");
  private static final Buffer ROOT =
      Buffer.buffer(
          Json.bytes(
              new Root(
                  "taskloop",
                  "/docs",
                  "/redoc",
                  "/openapi.json",
                  new Root.Health("/health/live", "/health/ready"))));

  /** The answer of {@code GET /}: where the docs, the document and the health checks are. */
  record Root(String name, String docs, String redoc, String openapi, Health health) {
    record Health(String live, String ready) {}
  }

  void mount(Routes routes) {
    routes.publicGet("/", ctx -> send(ctx, "application/json", ROOT));
    routes.publicGet("/openapi.json", DocsRoutes::document);
    routes.publicGet("/redoc", ctx -> send(ctx, "text/html; charset=utf-8", REDOC));
    routes.undocumentedGet(
        "/redoc/*",
        StaticHandler.create(REDOC_WEBJAR).setCachingEnabled(true).setMaxAgeSeconds(86400));
    routes.publicGet("/docs", ctx -> send(ctx, "text/html; charset=utf-8", INDEX));
    routes.undocumentedGet(
        "/docs/swagger-initializer.js", ctx -> send(ctx, "text/javascript", INITIALIZER));
    // Assets of the page above (absolute paths, so /docs works without a trailing slash).
    routes.undocumentedGet(
        "/docs/*", StaticHandler.create(WEBJAR).setCachingEnabled(true).setMaxAgeSeconds(86400));
  }

  /** The API document, gzipped for a GET that accepts it (a HEAD gets the plain one's head). */
  private static void document(RoutingContext ctx) {
    Vary.add(ctx.response(), HttpHeaders.ACCEPT_ENCODING);
    if (ctx.request().method() == HttpMethod.GET
        && Negotiation.acceptsCoding(
            ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING), "gzip")) {
      ctx.response().putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      send(ctx, "application/json", OPENAPI_GZIP);
      return;
    }
    send(ctx, "application/json", OPENAPI);
  }

  private static void send(RoutingContext ctx, String contentType, Buffer body) {
    Responses.ok(ctx, contentType, body);
  }

  private static Buffer resource(String name) {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
