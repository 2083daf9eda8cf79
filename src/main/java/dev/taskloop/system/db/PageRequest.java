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
   * The SQL of this page of {@code table}'s rows in id order, with every condition ANDed, then the
   * key or the offset. Each list has few such texts (keyset or offset, filter or not), so each is
   * prepared once and cached. (An offset page as a "deferred join", the ids first and then their
   * rows, measured slower: PostgreSQL's generic plan of {@code id IN (.. LIMIT $n OFFSET $m)}
   * hashes the whole table.)
   */
  public String byIdSql(String columns, String table, List<String> conditions) {
    var sql =
        new StringBuilder("SELECT ")
            .append(columns)
            .append(" FROM ")
            .append(table)
            .append(" WHERE ")
            .append(String.join(" AND ", conditions));
    if (after != null) {
      sql.append(" AND id > #{after}");
    }
    sql.append(" ORDER BY id LIMIT #{limit}");
    if (after == null) {
      sql.append(" OFFSET #{skip}");
    }
    return sql.toString();
  }

  /** The page out of rows fetched with {@link #params()}: the look-ahead row only tells. */
  public <T> Slice<T> slice(List<T> fetched) {
    return fetched.size() > limit
        ? new Slice<>(List.copyOf(fetched.subList(0, limit)), true)
        : new Slice<>(fetched, false);
  }
}
