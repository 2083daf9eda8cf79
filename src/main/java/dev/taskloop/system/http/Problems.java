package dev.taskloop.system.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taskloop.system.db.DatabaseException;
import dev.taskloop.system.db.Writes;
import dev.taskloop.system.http.ApiException.FieldError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every error of every route becomes an RFC 9457 {@code
 * application/problem+json} response. Every 5xx is logged by {@link ServerErrors} (one line per
 * cause, rate-limited; a stack trace only for 500); 4xx at DEBUG, as are clients that break the
 * protocol or go away mid-request. Clients never see exception classes, SQL or stack traces. The
 * HTTP layer's own answers outside the router (malformed requests, slow clients) are sent through
 * {@link #send(HttpServerRequest, ProblemType, String)}.
 */
final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final CharSequence PROBLEM_JSON =
      HttpHeaders.createOptimized("application/problem+json");

  /** The wire form (RFC 9457 members plus {@code errors} and {@code request_id}). */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Problem(
      URI type,
      String title,
      int status,
      String detail,
      String instance,
      List<FieldError> errors,
      String requestId) {}

  private final Routes routes;
  private final ServerErrors errors;

  Problems(Routes routes, ServerErrors errors) {
    this.routes = routes;
    this.errors = errors;
  }

  /** Failure handler: a route failed with a throwable or a status code. */
  void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      failure = null;
      if (status >= 500) {
        errors.failed(ctx, status, http.getCause() == null ? http : http.getCause());
      }
    } else if (failure == null && status >= 500) { // ctx.fail(5xx) without a throwable
      errors.failed(ctx, status, null);
    }
    if (failure != null && !ours(failure) && status >= 400 && status < 500) {
      // A vertx-web handler refused the request and said why, e.g. a malformed chunked body.
      LOG.debug("request {} -> {}: {}", RequestIds.of(ctx), status, failure.toString());
      failure = null;
    } else if (failure != null && clientWentAway(ctx, failure, status)) {
      LOG.debug("request {}: the client went away: {}", RequestIds.of(ctx), failure.toString());
      ctx.response().reset();
      return;
    }
    answer(ctx, failure, status);
  }

  /** Answers {@code failure}, or {@code status} when there is no failure left to tell. */
  private void answer(RoutingContext ctx, Throwable failure, int status) {
    switch (failure) {
      case null -> respond(ctx, ProblemType.forStatus(status), defaultDetail(status), List.of());
      case ApiException api -> {
        if (api.retryAfterSeconds() > 0) {
          ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(api.retryAfterSeconds()));
        }
        if (api.kind() == ProblemType.UNAUTHORIZED) {
          ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        if (api.kind() == ProblemType.SERVICE_UNAVAILABLE) { // a full worker pool, a drain...
          errors.unavailable(ctx, "service unavailable: " + api.getMessage(), null);
        } else if (api.kind().status() >= 500) {
          errors.failed(ctx, api.kind().status(), api);
        }
        respond(ctx, api.kind(), api.getMessage(), api.errors());
      }
      case DatabaseException.Unavailable unavailable -> unavailable(ctx, unavailable);
      case DatabaseException.Constraint conflict ->
          respond(
              ctx,
              ProblemType.CONFLICT,
              "The request conflicts with the current state of the resource.",
              List.of());
      case Writes.Stale stale ->
          respond(
              ctx,
              ProblemType.PRECONDITION_FAILED,
              "The resource changed since the ETag in If-Match: fetch it again and retry.",
              List.of());
      default -> {
        errors.failed(ctx, 500, failure);
        respond(
            ctx,
            ProblemType.INTERNAL,
            "An unexpected error occurred; quote the request id when reporting it.",
            List.of());
      }
    }
  }

  /** 503: a WARN without a stack trace (rate-limited), and when to come back. */
  private void unavailable(RoutingContext ctx, DatabaseException.Unavailable unavailable) {
    errors.unavailable(
        ctx,
        "database unavailable: " + unavailable.reason(),
        String.valueOf(unavailable.getCause()));
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfter(unavailable));
    respond(
        ctx,
        ProblemType.SERVICE_UNAVAILABLE,
        unavailable.getMessage() + "; retry later.",
        List.of());
  }

  /** Error handler for 404 (no route) and 405 (no route for this method). */
  void handleStatus(RoutingContext ctx, int status) {
    if (status == 405) {
      ctx.response().putHeader(HttpHeaders.ALLOW, routes.allowedMethods(ctx.request().path()));
    }
    respond(ctx, ProblemType.forStatus(status), defaultDetail(status), List.of());
  }

  /**
   * Answers a request outside the router (the HTTP layer's own refusals) and closes the connection
   * afterwards: what follows on it cannot be trusted to be a request.
   */
  static void send(HttpServerRequest request, ProblemType kind, String detail) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.closed()) {
      request.connection().close();
      return;
    }
    String id = RequestIds.assign(request);
    var problem =
        new Problem(kind.type(), kind.title(), kind.status(), detail, path(request), List.of(), id);
    response
        .setStatusCode(kind.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    var body = Buffer.buffer(Json.bytes(problem));
    (request.method() == HttpMethod.HEAD ? response.end() : response.end(body))
        .onComplete(done -> request.connection().close());
  }

  private void respond(
      RoutingContext ctx, ProblemType kind, String detail, List<FieldError> errors) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) { // a stream already started: nothing sane to add, cut it
      response.reset();
      return;
    }
    String id = RequestIds.ensure(ctx);
    if (kind.status() < 500) {
      LOG.debug(
          "request {} {} {} -> {} {}",
          RequestIds.of(ctx),
          ctx.request().method(),
          ctx.request().path(),
          kind.status(),
          detail);
    }
    var problem =
        new Problem(
            kind.type(), kind.title(), kind.status(), detail, ctx.request().path(), errors, id);
    boolean unread = !ctx.request().isEnded(); // refused before its body was read (auth, 415...)
    if (unread) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    var sent = Responses.send(ctx, kind.status(), PROBLEM_JSON, Buffer.buffer(Json.bytes(problem)));
    if (unread) { // the rest of the body is not read: the connection cannot carry another request
      sent.onComplete(done -> UnreadBodies.discardThenClose(ctx.vertx(), ctx.request()));
    }
  }

  /** Failures of our own making, as opposed to one reported by a vertx-web handler. */
  private static boolean ours(Throwable failure) {
    return failure instanceof ApiException
        || failure instanceof DatabaseException
        || failure instanceof Writes.Stale;
  }

  /** The connection broke while the request was being read: nobody is left to answer. */
  private static boolean clientWentAway(RoutingContext ctx, Throwable failure, int status) {
    return failure instanceof HttpClosedException
        || ctx.response().closed()
        || (status > 0 && status < 400); // BodyHandler reports transport errors with status 200
  }

  private static String path(HttpServerRequest request) {
    try {
      String path = request.path();
      return path == null ? "" : path;
    } catch (RuntimeException e) { // an unparseable request line
      return "";
    }
  }

  private static String retryAfter(DatabaseException.Unavailable e) {
    return e.reason() == DatabaseException.Unavailable.Reason.UNREACHABLE ? "5" : "1";
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "No resource at this path.";
      case 405 -> "This path does not support this method; see the Allow header.";
      case 413 -> "The request body is larger than " + Routes.MAX_BODY_BYTES / 1024 + " KiB.";
      case 400 -> "The request could not be read.";
      case 415 -> "Unsupported content type.";
      case 417 -> "Only the expectation 100-continue is supported.";
      default -> status >= 500 ? "An unexpected error occurred." : "The request was rejected.";
    };
  }
}
