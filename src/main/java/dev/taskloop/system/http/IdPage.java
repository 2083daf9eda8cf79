package dev.taskloop.system.http;

import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A page request of a list in id order with 64-bit ids: by offset ({@code skip}) or by key ({@code
 * after}: ids greater than it, the fast path for deep pages), at most {@code limit} rows (1..100,
 * default 10). {@link PageQuery} is the same for UUID-keyed lists.
 */
public record IdPage(long skip, Long after, int limit, boolean offsetPaging) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  /** Reads skip, after and limit, adding every failing parameter to {@code validation}. */
  public static IdPage from(RoutingContext ctx, Validation validation) {
    Long skip = Requests.longQuery(ctx, "skip", 0, Long.MAX_VALUE, validation);
    Long after = Requests.longQuery(ctx, "after", 0, Long.MAX_VALUE, validation);
    Long limit = Requests.longQuery(ctx, "limit", 1, MAX_LIMIT, validation);
    if (skip != null && after != null) {
      validation.fail("after", "cannot be combined with skip: use one way of paging");
    }
    return new IdPage(
        skip == null ? 0 : skip,
        after,
        limit == null ? DEFAULT_LIMIT : limit.intValue(),
        skip != null);
  }

  /**
   * The query of the page after one that ended with {@code lastId}: by offset when the client pages
   * by offset, else by key (also for a first page requested without either).
   */
  public Map<String, Object> next(long lastId) {
    var next = new LinkedHashMap<String, Object>();
    if (offsetPaging) {
      next.put("skip", skip + limit);
    } else {
      next.put("after", lastId);
    }
    next.put("limit", limit);
    return next;
  }

  /** SQL parameters: {@code limit} is one more than asked, to learn whether a next page exists. */
  public Map<String, Object> params() {
    var params = new java.util.HashMap<String, Object>();
    params.put("limit", limit + 1);
    if (after != null) {
      params.put("after", after);
    } else {
      params.put("skip", skip);
    }
    return params;
  }
}
