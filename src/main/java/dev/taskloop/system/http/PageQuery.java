package dev.taskloop.system.http;

import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A page request of a list ordered by (created_at, id) with UUID ids: by offset ({@code skip}) or
 * by key ({@code after}: the rows after that id), at most {@code limit} (1..100, default 10).
 */
public record PageQuery(long skip, UUID after, int limit, boolean offsetPaging) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  /** Reads skip, after and limit, adding every failing parameter to {@code validation}. */
  public static PageQuery from(RoutingContext ctx, Validation validation) {
    Long skip = Requests.longQuery(ctx, "skip", 0, Long.MAX_VALUE, validation);
    Long limit = Requests.longQuery(ctx, "limit", 1, MAX_LIMIT, validation);
    UUID after = null;
    List<String> afterValues = ctx.queryParam("after");
    if (!afterValues.isEmpty()) {
      try {
        after = UUID.fromString(afterValues.getFirst());
      } catch (IllegalArgumentException e) {
        validation.fail("after", "must be a UUID");
      }
    }
    if (skip != null && after != null) {
      validation.fail("after", "cannot be combined with skip: use one way of paging");
    }
    return new PageQuery(
        skip == null ? 0 : skip,
        after,
        limit == null ? DEFAULT_LIMIT : limit.intValue(),
        skip != null);
  }

  /** The query of the page after one that ended with {@code lastId}. */
  public Map<String, Object> next(UUID lastId) {
    var next = new LinkedHashMap<String, Object>();
    if (offsetPaging) {
      next.put("skip", skip + limit);
    } else {
      next.put("after", lastId);
    }
    next.put("limit", limit);
    return next;
  }
}
