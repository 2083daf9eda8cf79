package dev.taskloop.system.http;

import dev.taskloop.system.db.Slice;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** RFC 8288 {@code Link} headers for paged lists. */
public final class Links {
  private Links() {}

  /**
   * The rows of a page; when more follow, {@code nextQuery} (given the page's last row) becomes the
   * {@code Link} to the next page.
   */
  public static <T> List<T> page(
      RoutingContext ctx, Slice<T> slice, Function<T, Map<String, Object>> nextQuery) {
    if (slice.hasNext() && !slice.rows().isEmpty()) {
      next(ctx, nextQuery.apply(slice.rows().getLast()));
    }
    return slice.rows();
  }

  /**
   * Sets {@code Link: <path?query>; rel="next"} on the response, for the request's own path with
   * {@code query} (null values are left out).
   */
  public static void next(RoutingContext ctx, Map<String, Object> query) {
    var params = new StringBuilder();
    for (var entry : new LinkedHashMap<>(query).entrySet()) {
      if (entry.getValue() == null) {
        continue;
      }
      params
          .append(params.isEmpty() ? '?' : '&')
          .append(entry.getKey())
          .append('=')
          .append(URLEncoder.encode(entry.getValue().toString(), StandardCharsets.UTF_8));
    }
    String path = ctx.request().path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    ctx.response().putHeader("Link", "<" + path + params + ">; rel=\"next\"");
  }
}
