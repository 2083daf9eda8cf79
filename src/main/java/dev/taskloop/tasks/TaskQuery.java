package dev.taskloop.tasks;

import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;

/**
 * A page request of {@code GET /tasks}: either offset ({@code skip}) or keyset ({@code after}: ids
 * greater than it, the fast path for deep pages), at most {@code limit} rows in id order,
 * optionally only (not) completed tasks.
 */
record TaskQuery(long skip, Long after, int limit, Boolean completed, boolean offsetPaging) {
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 100;

  /**
   * The query of the next page after one that ended with {@code lastId}: by offset when the client
   * pages by offset, else by key (also for a first page requested without either).
   */
  java.util.Map<String, Object> next(long lastId) {
    var next = new java.util.LinkedHashMap<String, Object>();
    if (offsetPaging) {
      next.put("skip", skip + limit);
    } else {
      next.put("after", lastId);
    }
    next.put("limit", limit);
    next.put("completed", completed);
    return next;
  }

  /** Reads the query string, adding every failing parameter to {@code validation}. */
  static TaskQuery from(RoutingContext ctx, Validation validation) {
    Long skip = Requests.longQuery(ctx, "skip", 0, Long.MAX_VALUE, validation);
    Long after = Requests.longQuery(ctx, "after", 0, Long.MAX_VALUE, validation);
    Long limit = Requests.longQuery(ctx, "limit", 1, MAX_LIMIT, validation);
    Boolean completed = Requests.boolQuery(ctx, "completed", validation);
    if (skip != null && after != null) {
      validation.fail("after", "cannot be combined with skip: use one way of paging");
    }
    return new TaskQuery(
        skip == null ? 0 : skip,
        after,
        limit == null ? DEFAULT_LIMIT : limit.intValue(),
        completed,
        skip != null);
  }
}
