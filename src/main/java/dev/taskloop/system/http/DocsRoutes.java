package dev.taskloop.system.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API document ({@code /openapi.json}, hand-written in {@code src/main/resources/openapi.json}
 * and checked against the routes by OpenApiContractIT) and Swagger UI at {@code /docs}, served from
 * the swagger-ui webjar inside the jar: no CDN.
 */
final class DocsRoutes {
  /** Must match {@code swagger-ui.version} in pom.xml: it is part of the path inside the webjar. */
  static final String SWAGGER_UI_VERSION = "5.34.1";

  private static final String WEBJAR =
      "META-INF/resources/webjars/swagger-ui/" + SWAGGER_UI_VERSION;
  // Read once per process (every HttpVerticle has its DocsRoutes); a Buffer is safe to send from
  // several event loops, each response writes its own view of it.
  private static final Buffer OPENAPI = resource("openapi.json");
  private static final Buffer INDEX = resource("docs/index.html");
  private static final Buffer INITIALIZER = resource("docs/swagger-initializer.js");

  void mount(Routes routes) {
    routes.publicGet("/openapi.json", ctx -> send(ctx, "application/json", OPENAPI));
    routes.publicGet("/docs", ctx -> send(ctx, "text/html; charset=utf-8", INDEX));
    routes.undocumentedGet(
        "/docs/swagger-initializer.js", ctx -> send(ctx, "text/javascript", INITIALIZER));
    // Assets of the page above (absolute paths, so /docs works without a trailing slash).
    routes.undocumentedGet(
        "/docs/*", StaticHandler.create(WEBJAR).setCachingEnabled(true).setMaxAgeSeconds(86400));
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
