package dev.taskloop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  @Test
  void generatedKeysHaveTheFormatAndAreUnique() {
    var seen = new HashSet<String>();
    for (int i = 0; i < 1000; i++) {
      var key = ApiKeys.generate();
      assertTrue(key.raw().matches("tl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}"), key.raw());
      assertEquals(Optional.of(key.prefix()), ApiKeys.prefixOf(key.raw()));
      assertTrue(seen.add(key.raw()));
    }
  }

  @Test
  void storesOnlyTheHashAndComparesIt() {
    var key = ApiKeys.generate();
    assertEquals(64, key.hash().length());
    assertTrue(ApiKeys.matches(key.raw(), key.hash()));
    String tampered =
        key.raw().substring(0, key.raw().length() - 1) + (key.raw().endsWith("A") ? "B" : "A");
    assertFalse(ApiKeys.matches(tampered, key.hash()));
    assertFalse(ApiKeys.matches(key.raw(), "not hex"));
    assertNotEquals(ApiKeys.generate().hash(), key.hash());
  }

  @Test
  void rejectsMalformedKeys() {
    for (String raw :
        new String[] {
          null,
          "",
          "tl_",
          "tl_short_secret",
          "xx_abcdefghijkl_" + "A".repeat(43),
          "tl_ABCDEFGHIJKL_" + "A".repeat(43),
          "tl_abcdefghijkl_" + "A".repeat(42)
        }) {
      assertEquals(Optional.empty(), ApiKeys.prefixOf(raw), String.valueOf(raw));
    }
  }
}
