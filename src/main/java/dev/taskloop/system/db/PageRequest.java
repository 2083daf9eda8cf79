package dev.taskloop.system.db;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which rows of an ordered list a repository fetches: the rows after the one with key {@code after}
 * (keyset paging: an index seek, the fast path for deep pages), or else from offset {@code skip};
 * at most {@code limit}. {@code K} is the key of the order: {@code Long} ids, or {@code UUID}s of
 * lists in (created_at, id) order.
 */
public record PageRequest<K>(long skip, K after, int limit) {
  public PageRequest {
    if (limit < 1 || skip < 0) {
      throw new IllegalArgumentException("limit must be >= 1 and skip >= 0");
    }
  }

  /** Named SQL parameters: {@code limit} is one more than asked, to learn whether more follow. */
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

  /**
   * The SQL of this page of {@code table}'s rows in id order ({@code id} its primary key), with
   * every condition ANDed. A keyset page seeks to the key. An offset page skips in the index alone
   * and reads only the rows it returns: the ids are found first ({@code ORDER BY id LIMIT .. OFFSET
   * ..} over the conditions' index, covering, so the skipped rows are never fetched), then the
   * page's rows by id (a "deferred join"). Each list has few such texts (keyset or offset, filter
   * or not), so each is prepared once and cached.
   */
  public String byIdSql(String columns, String table, List<String> conditions) {
    String where = " WHERE " + String.join(" AND ", conditions);
    if (after != null) {
      return "SELECT "
          + columns
          + " FROM "
          + table
          + where
          + " AND id > #{after} ORDER BY id LIMIT #{limit}";
    }
    return "SELECT "
        + columns
        + " FROM "
        + table
        + " WHERE id IN (SELECT id FROM "
        + table
        + where
        + " ORDER BY id LIMIT #{limit} OFFSET #{skip}) ORDER BY id";
  }

  /** The page out of rows fetched with {@link #params()}: the look-ahead row only tells. */
  public <T> Slice<T> slice(List<T> fetched) {
    return fetched.size() > limit
        ? new Slice<>(List.copyOf(fetched.subList(0, limit)), true)
        : new Slice<>(fetched, false);
  }
}
