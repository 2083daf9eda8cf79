package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageRequestTest {
  @Test
  void fetchesOneRowMoreThanAskedAndDropsIt() {
    var page = new PageRequest<Long>(0, null, 2);
    assertEquals(3, page.params().get("limit"));
    Slice<String> full = page.slice(List.of("a", "b", "look-ahead"));
    assertEquals(List.of("a", "b"), full.rows());
    assertTrue(full.hasNext());
    Slice<String> last = page.slice(List.of("a", "b"));
    assertEquals(List.of("a", "b"), last.rows());
    assertFalse(last.hasNext());
  }

  @Test
  void keysetPagesSeekAndOffsetPagesSkip() {
    var keyset = new PageRequest<>(0, 41L, 10);
    assertEquals(41L, keyset.params().get("after"));
    assertFalse(keyset.params().containsKey("skip"));
    assertEquals(
        "SELECT id FROM t WHERE owner_id = #{owner} AND id > #{after} ORDER BY id LIMIT #{limit}",
        keyset.byIdSql("id", "t", List.of("owner_id = #{owner}")));
    var offset = new PageRequest<Long>(20, null, 10);
    assertEquals(20L, offset.params().get("skip"));
    assertEquals(
        "SELECT id, x FROM t WHERE a AND b AND id >= (SELECT id FROM t WHERE a AND b"
            + " ORDER BY id LIMIT 1 OFFSET #{skip}) ORDER BY id LIMIT #{limit}",
        offset.byIdSql("id, x", "t", List.of("a", "b")));
  }

  @Test
  void aPageHoldsAtLeastOneRow() {
    assertThrows(IllegalArgumentException.class, () -> new PageRequest<Long>(0, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new PageRequest<Long>(-1, null, 1));
  }

  @Test
  void rowsCanBeReplacedKeepingHasNext() {
    var slice = new Slice<>(List.of(1, 2), true).withRows(rows -> List.of("1", "2"));
    assertEquals(List.of("1", "2"), slice.rows());
    assertTrue(slice.hasNext());
  }
}
