package dev.taskloop.system.http;

import dev.taskloop.system.db.PageRequest;
import dev.taskloop.system.db.Slice;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The query-string form of a page: {@code skip} (offset) or {@code after} (key), and {@code limit}
 * (1..100, default 10). It knows which of the two the client used, so the next page's {@code Link}
 * continues the same way, and writes that link.
 */
public record PageQuery<K>(PageRequest<K> request, boolean offsetPaging) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  private static final String NOT_AN_ID = Fields.integerRule(0, Long.MAX_VALUE);

  /** A page of a list keyed by 64-bit ids. */
  public static PageQuery<Long> byLongId(RoutingContext ctx, Validation validation) {
    return from(ctx, validation, Requests::canonicalLong, NOT_AN_ID);
  }

  /** A page of a list keyed by UUIDs. */
  public static PageQuery<UUID> byUuid(RoutingContext ctx, Validation validation) {
    return from(
        ctx, validation, raw -> raw.length() == 36 ? UUID.fromString(raw) : null, Fields.NOT_UUID);
  }

  private static <K> PageQuery<K> from(
      RoutingContext ctx, Validation validation, Function<String, K> parse, String notAKey) {
    Long skip = Requests.longQuery(ctx, "skip", 0, Long.MAX_VALUE, validation);
    Long limit = Requests.longQuery(ctx, "limit", 1, MAX_LIMIT, validation);
    K after = null;
    List<String> afterValues = ctx.queryParam("after");
    if (!afterValues.isEmpty()) {
      try {
        after = parse.apply(afterValues.getFirst());
      } catch (IllegalArgumentException e) { // NumberFormatException included
        after = null;
      }
      if (after == null) {
        validation.fail("after", notAKey);
      }
    }
    if (skip != null && after != null) {
      validation.fail("after", "cannot be combined with skip: use one way of paging");
    }
    var request =
        new PageRequest<>(
            skip == null ? 0 : skip, after, limit == null ? DEFAULT_LIMIT : limit.intValue());
    return new PageQuery<>(request, skip != null);
  }

  /** The rows of a page; when more follow, the RFC 8288 {@code Link} to the next page is set. */
  public <T> List<T> rows(RoutingContext ctx, Slice<T> slice, Function<T, K> key) {
    return rows(ctx, slice, key, null, null);
  }

  /**
   * As {@link #rows(RoutingContext, Slice, Function)}, the link keeping the list's filter: {@code
   * filter=value} when the value is not null.
   */
  public <T> List<T> rows(
      RoutingContext ctx, Slice<T> slice, Function<T, K> key, String filter, Object value) {
    if (slice.hasNext() && !slice.rows().isEmpty()) {
      var query = next(key.apply(slice.rows().getLast()));
      if (value != null) {
        query.put(filter, value);
      }
      ctx.response().putHeader("Link", "<" + path(ctx) + queryString(query) + ">; rel=\"next\"");
    }
    return slice.rows();
  }

  /**
   * The query of the page after one that ended with {@code lastKey}: by offset when the client
   * pages by offset, else by key (also for a first page requested without either).
   */
  private Map<String, Object> next(K lastKey) {
    var next = new LinkedHashMap<String, Object>();
    if (offsetPaging) {
      next.put("skip", request.skip() + request.limit());
    } else {
      next.put("after", lastKey);
    }
    next.put("limit", request.limit());
    return next;
  }

  private static String queryString(Map<String, Object> query) {
    var params = new StringBuilder();
    query.forEach(
        (name, value) ->
            params
                .append(params.isEmpty() ? '?' : '&')
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8)));
    return params.toString();
  }

  /** The request's own path, without a trailing slash. */
  private static String path(RoutingContext ctx) {
    String path = ctx.request().path();
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
