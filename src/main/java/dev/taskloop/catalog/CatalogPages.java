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

  /**
   * Trims a page fetched with one extra row and, when that row was there, links to the next page;
   * {@code extra} query parameters are kept in the link.
   */
  static <T> List<T> page(
      RoutingContext ctx,
      CatalogRepository.Page page,
      List<T> rows,
      ToLongFunction<T> id,
      Map<String, Object> extra) {
    return Links.page(
        ctx,
        rows,
        page.limit(),
        last -> {
          var next = new LinkedHashMap<String, Object>();
          if (page.offsetPaging()) {
            next.put("skip", page.skip() + page.limit());
          } else {
            next.put("after", id.applyAsLong(last));
          }
          next.put("limit", page.limit());
          next.putAll(extra);
          return next;
        });
  }
}
