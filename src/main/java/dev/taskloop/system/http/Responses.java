package dev.taskloop.system.http;

import dev.taskloop.system.db.Writes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Writing successful responses: JSON bodies, 201 with Location, 204 without a body. A {@link
 * Conditional.Versioned} body goes with its {@code ETag}, and a GET or HEAD whose {@code
 * If-None-Match} names it is 304 without a body.
 */
public final class Responses {
  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private Responses() {}

  public static Future<Void> ok(RoutingContext ctx, Object body) {
    if (body instanceof Conditional.Versioned versioned) {
      ctx.response().putHeader(HttpHeaders.ETAG, Conditional.etag(versioned.version()));
      HttpMethod method = ctx.request().method();
      if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
        // RFC 9110 13.2.2: If-Match first (a read can ask for a version too), then If-None-Match
        Writes.unchanged(Conditional.ifMatch(ctx), versioned.version(), versioned);
        if (Conditional.notModified(ctx, versioned.version())) {
          return ctx.response().setStatusCode(304).end();
        }
      }
    }
    return json(ctx, 200, body);
  }

  /** 200 with a ready-made body (documents, pages). */
  public static Future<Void> ok(RoutingContext ctx, CharSequence contentType, Buffer body) {
    return send(ctx, 200, contentType, body);
  }

  public static Future<Void> created(RoutingContext ctx, String location, Object body) {
    ctx.response().putHeader(HttpHeaders.LOCATION, location);
    if (body instanceof Conditional.Versioned versioned) {
      ctx.response().putHeader(HttpHeaders.ETAG, Conditional.etag(versioned.version()));
    }
    return json(ctx, 201, body);
  }

  /**
   * A JSON answer already serialized, with its {@code Location} and {@code ETag} when not null (an
   * Idempotency-Key's stored answer, or the first one being stored).
   */
  public static Future<Void> stored(
      RoutingContext ctx, int status, String location, String etag, Buffer json) {
    if (location != null) {
      ctx.response().putHeader(HttpHeaders.LOCATION, location);
    }
    if (etag != null) {
      ctx.response().putHeader(HttpHeaders.ETAG, etag);
    }
    return send(ctx, status, APPLICATION_JSON, json);
  }

  public static Future<Void> noContent(RoutingContext ctx) {
    return ctx.response().setStatusCode(204).end();
  }

  public static Future<Void> json(RoutingContext ctx, int status, Object body) {
    return send(ctx, status, APPLICATION_JSON, Buffer.buffer(Json.bytes(body)));
  }

  /** Ends the response with a body; a HEAD request gets the same headers without it. */
  static Future<Void> send(RoutingContext ctx, int status, CharSequence contentType, Buffer body) {
    var response =
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (ctx.request().method() == HttpMethod.HEAD) {
      return response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
    }
    return response.end(body);
  }

  /**
   * Completes a request from an asynchronous result: {@code writer} on success, the failure handler
   * otherwise, also when {@code writer} itself throws (so no request is left hanging).
   */
  public static <T> void reply(
      RoutingContext ctx, Future<T> result, BiConsumer<RoutingContext, T> writer) {
    result.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
            return;
          }
          try {
            writer.accept(ctx, done.result());
          } catch (RuntimeException e) {
            ctx.fail(e);
          }
        });
  }

  /** 200 with the value; an absent one is a 404 ({@code what} {@code id}, see {@link #found}). */
  public static <T> void okIfFound(
      RoutingContext ctx, Future<Optional<T>> result, String what, Object id) {
    reply(ctx, result.map(value -> found(value, what, id)), Responses::ok);
  }

  /** 204 once done; an absent resource is a 404 ({@code what} {@code id}). */
  public static void noContentIfFound(
      RoutingContext ctx, Future<? extends Optional<?>> result, String what, Object id) {
    reply(ctx, result.map(value -> found(value, what, id)), (c, done) -> noContent(c));
  }

  /** The one place where an absent resource becomes 404. */
  public static <T> T found(Optional<T> value, String what, Object id) {
    return value.orElseThrow(() -> ApiException.notFound(what, id));
  }
}
