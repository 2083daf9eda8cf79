package dev.taskloop.system.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Look-alike addresses are one account; invisible characters and broken addresses are refused. */
class EmailsTest {
  private static String key(String raw) {
    String canonical = Emails.canonical(raw);
    assertNull(Emails.problem(canonical), raw);
    return Emails.key(canonical);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ren\u00e9@example.com|rene\u0301@example.com", // NFC against NFD
        "ada@example.com|\uff41da@example.com", // fullwidth a
        "Ada@Example.COM|ada@example.com",
        "stra\u00dfe@example.com|STRASSE@example.com", // case folding, not just lower case
        " ada@example.com |ada@example.com"
      })
  void lookAlikesShareOneKey(String one, String other) {
    assertEquals(key(one), key(other));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ada\u200b@example.com", // zero-width space
        "ada@exa\u00admple.com", // soft hyphen
        "ada\u202e@example.com", // right-to-left override
        "ada@example.com\u0000",
        "ada\u3164@example.com", // Hangul filler
        "ada\ud800@example.com", // unpaired surrogates: no database stores them faithfully
        "ada@example.com\udc00"
      })
  void invisibleCharactersAreRefused(String raw) {
    assertEquals(Emails.INVISIBLE, Emails.problem(Emails.canonical(raw)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ada@example.com.", // trailing dot: the same mailbox, a second account
        "ada@example..com",
        ".ada@example.com",
        "ada.@example.com",
        "a..da@example.com",
        "ada@localhost",
        "ada@-example.com",
        "ada@example.com-",
        "ada@@example.com",
        "ada@exam ple.com",
        "ad a@example.com",
        "\"ada\"@example.com",
        "ada@127.0.0.1",
        "@example.com",
        "ada@"
      })
  void malformedAddressesAreRefused(String raw) {
    assertEquals(Emails.INVALID, Emails.problem(Emails.canonical(raw)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ada+tag@example.com", "o'hara@example.co.uk", "日本@例え.テスト"})
  void realAddressesPass(String raw) {
    assertNull(Emails.problem(Emails.canonical(raw)));
  }

  @Test
  void anAddressMustFitItsColumnsAlsoOnceCaseFolded() {
    String domain = "@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(57) + ".com";
    String fits = "a".repeat(64) + domain;
    assertNull(Emails.problem(fits));
    // 254 characters as written, 255 once "ß" folds to "ss": the key column would overflow
    String grows = "ß" + fits.substring(1);
    assertEquals(254, grows.length());
    assertEquals(Emails.INVALID, Emails.problem(grows));
  }
}
