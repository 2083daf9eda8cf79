package dev.taskloop.catalog;

import dev.taskloop.system.http.Links;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** skip/limit/after of the catalog's lists, and their Link headers. */
final class CatalogPages {
  private CatalogPages() {}

  static CatalogRepository.Page from(RoutingContext ctx, Validation validation) {
    Long skip = Requests.longQuery(ctx, "skip", 0, Long.MAX_VALUE, validation);
    Long after = Requests.longQuery(ctx, "after", 0, Long.MAX_VALUE, validation);
    Long limit = Requests.longQuery(ctx, "limit", 1, 100, validation);
    if (skip != null && after != null) {
      validation.fail("after", "cannot be combined with skip: use one way of paging");
    }
    return new CatalogRepository.Page(
        skip == null ? 0 : skip, after, limit == null ? 10 : limit.intValue(), skip != null);
  }

  /** {@code Link: rel="next"} when the page is full; {@code extra} query parameters are kept. */
  static <T> void linkNext(
      RoutingContext ctx,
      CatalogRepository.Page page,
      List<T> rows,
      ToLongFunction<T> id,
      Map<String, Object> extra) {
    if (rows.size() != page.limit()) {
      return;
    }
    var next = new LinkedHashMap<String, Object>();
    if (page.offsetPaging()) {
      next.put("skip", page.skip() + page.limit());
    } else {
      next.put("after", id.applyAsLong(rows.getLast()));
    }
    next.put("limit", page.limit());
    next.putAll(extra);
    Links.next(ctx, next);
  }
}
