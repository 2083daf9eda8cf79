package dev.taskloop.system.http;

import dev.taskloop.system.observe.RequestContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a sane token (so ids
 * propagate from a gateway), else a fresh random one. Echoed in the response header, put in every
 * problem body and in log lines about the request.
 */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private RequestIds() {}

  /** First handler of every request. */
  static void assign(RoutingContext ctx) {
    ctx.put(KEY, assign(ctx.request()));
    ctx.next();
  }

  /**
   * Gives {@code request} its id (echoed in the response header) and returns it; call on the
   * request's own Vert.x context. A request that has one already keeps it (a 408 sent by the
   * connection sweep runs on another context, where no request must begin).
   */
  static String assign(HttpServerRequest request) {
    String assigned = request.response().headers().get(HEADER);
    if (assigned != null) {
      return assigned;
    }
    String given = request.getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : fresh();
    request.response().putHeader(HEADER, id);
    RequestContext.begin(id, request.method().name());
    return id;
  }

  /** The request's id, assigning one now if the request failed before {@link #assign} ran. */
  static String ensure(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      id = assign(ctx.request());
      ctx.put(KEY, id);
    }
    return id;
  }

  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  private static String fresh() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
