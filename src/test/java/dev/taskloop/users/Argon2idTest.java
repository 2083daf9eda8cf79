package dev.taskloop.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Known answers: strings made by the reference implementation's command line ({@code argon2},
 * Debian package) and by password4j 1.8.4 (what earlier releases stored, so existing users still
 * log in).
 */
class Argon2idTest {
  /** {@code echo -n "correct horse battery" | argon2 "somesalt16bytes!" -id -t 2 -m 12 -p 1 -e} */
  private static final String REFERENCE =
      "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHQxNmJ5dGVzIQ$xp6gikaZpwpFERcY7MUjZkjhmwtpQRP7OmzWanyJZJQ";

  /** {@code echo -n "pässwörd" | argon2 "0123456789abcdef" -id -t 3 -m 10 -p 2 -e}: two lanes. */
  private static final String REFERENCE_TWO_LANES =
      "$argon2id$v=19$m=1024,t=3,p=2$MDEyMzQ1Njc4OWFiY2RlZg$4OzWYNADueDS7csqf8RWPGZ3/ZtiXV617UkyRCcUvso";

  /** password4j 1.8.4: {@code Password.hash("pässwörd long enough").addRandomSalt(16)}. */
  private static final String PASSWORD4J =
      "$argon2id$v=19$m=4096,t=2,p=1$nwHE7BM/xJBMGXubarskbA$bQSJcNoTxw4Yy6URc/RXTUud10oTXYhiDxWpKv4v36k";

  @Test
  void hashesAsTheReferenceImplementation() {
    byte[] salt = "somesalt16bytes!".getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        REFERENCE, Argon2id.hash("correct horse battery", salt, new Argon2id.Cost(4096, 2, 1)));
  }

  @Test
  void verifiesReferenceAndPassword4jHashes() {
    assertTrue(Argon2id.verify("correct horse battery", REFERENCE));
    assertTrue(Argon2id.verify("pässwörd", REFERENCE_TWO_LANES));
    assertTrue(Argon2id.verify("pässwörd long enough", PASSWORD4J));
    assertFalse(Argon2id.verify("correct horse batterY", REFERENCE));
    assertFalse(Argon2id.verify("passwörd", REFERENCE_TWO_LANES));
  }

  @Test
  void whatTheConfigurationAllowsVerifies() {
    byte[] salt = "sixteen byte salt".getBytes(StandardCharsets.US_ASCII);
    var cost = new Argon2id.Cost(64, 1, 16); // under 8 KiB per lane: the generator raises it
    assertTrue(Argon2id.verify("pw", Argon2id.hash("pw", salt, cost)));
  }

  @Test
  void refusesWhatIsNotAnArgon2idHashWithinBounds() {
    String body = "$c29tZXNhbHQxNmJ5dGVzIQ$xp6gikaZpwpFERcY7MUjZkjhmwtpQRP7OmzWanyJZJQ";
    for (String bad :
        new String[] {
          "",
          "plain text",
          "$argon2i$v=19$m=4096,t=2,p=1" + body,
          "$argon2id$v=16$m=4096,t=2,p=1" + body,
          "$argon2id$v=19$m=5000000,t=2,p=1" + body, // over the maximum: not computed
          "$argon2id$v=19$m=4096,t=0,p=1" + body,
          "$argon2id$v=19$m=4096,t=2,p=1$c29tZXNhbHQxNmJ5d$xp6gikaZpwpFERcY7MUjZkjhmwtpQRP7OmzWanyJZJQ",
          REFERENCE + "=",
        }) {
      assertFalse(Argon2id.verify("correct horse battery", bad), bad);
    }
  }
}
