package dev.taskloop.tasks;

import dev.taskloop.system.http.PageQuery;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;

/**
 * A page request of {@code GET /tasks}: a page in id order, optionally only (not) completed tasks.
 */
record TaskQuery(PageQuery<Long> page, Boolean completed) {

  /** Reads the query string, adding every failing parameter to {@code validation}. */
  static TaskQuery from(RoutingContext ctx, Validation validation) {
    PageQuery<Long> page = PageQuery.byLongId(ctx, validation);
    return new TaskQuery(page, Requests.boolQuery(ctx, "completed", validation));
  }
}
