package dev.taskloop.system.http;

import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A page request of a list: by offset ({@code skip}) or by key ({@code after}: the rows after the
 * one with that key, the fast path for deep pages), at most {@code limit} rows (1..100, default
 * 10). {@code K} is the key type: {@code Long} for lists in id order, {@code UUID} for lists in
 * (created_at, id) order.
 */
public record Page<K>(long skip, K after, int limit, boolean offsetPaging) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  /** A page of a list keyed by 64-bit ids. */
  public static Page<Long> byLongId(RoutingContext ctx, Validation validation) {
    return from(ctx, validation, Requests::canonicalLong, "an integer >= 0");
  }

  /** A page of a list keyed by UUIDs. */
  public static Page<UUID> byUuid(RoutingContext ctx, Validation validation) {
    return from(ctx, validation, raw -> raw.length() == 36 ? UUID.fromString(raw) : null, "a UUID");
  }

  private static <K> Page<K> from(
      RoutingContext ctx, Validation validation, Function<String, K> parse, String keyType) {
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
        validation.fail("after", "must be " + keyType);
      }
    }
    if (skip != null && after != null) {
      validation.fail("after", "cannot be combined with skip: use one way of paging");
    }
    return new Page<>(
        skip == null ? 0 : skip,
        after,
        limit == null ? DEFAULT_LIMIT : limit.intValue(),
        skip != null);
  }

  /**
   * The query of the page after one that ended with {@code lastKey}: by offset when the client
   * pages by offset, else by key (also for a first page requested without either).
   */
  public Map<String, Object> next(K lastKey) {
    var next = new LinkedHashMap<String, Object>();
    if (offsetPaging) {
      next.put("skip", skip + limit);
    } else {
      next.put("after", lastKey);
    }
    next.put("limit", limit);
    return next;
  }

  /** SQL parameters: {@code limit} is one more than asked, to learn whether a next page exists. */
  public Map<String, Object> params() {
    var params = new HashMap<String, Object>();
    params.put("limit", limit + 1);
    if (after != null) {
      params.put("after", after);
    } else {
      params.put("skip", skip);
    }
    return params;
  }
}
