package dev.taskloop.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The API key format {@code tl_<prefix>_<secret>}: a 12-character random prefix (public, unique,
 * indexed: it finds the row) and a 256-bit secret from {@link SecureRandom}. Only the SHA-256 of
 * the whole key is stored; checks compare hashes in constant time. A fast hash is right here: the
 * key is random and long, so nothing can be guessed from its hash (unlike a password).
 */
final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int PREFIX_LENGTH = 12;
  private static final int SECRET_LENGTH = 43; // 32 bytes, base64url without padding
  private static final int KEY_LENGTH = 3 + PREFIX_LENGTH + 1 + SECRET_LENGTH;

  /** One digest per thread: getInstance() per request costs more than the hash itself. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(ApiKeys::newDigest);

  /** A freshly generated key: {@code raw} is shown once, then only {@code hash} is kept. */
  public record Generated(String raw, String prefix, String hash) {}

  private ApiKeys() {}

  public static Generated generate() {
    var prefix = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      prefix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String raw =
        "tl_" + prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Generated(raw, prefix.toString(), hash(raw));
  }

  /**
   * The prefix of a well-formed key ({@code tl_} + 12 of [a-z0-9] + {@code _} + 43 of base64url);
   * empty for anything else. Checked by hand: it runs on every request.
   */
  public static Optional<String> prefixOf(String raw) {
    if (raw == null
        || raw.length() != KEY_LENGTH
        || !raw.startsWith("tl_")
        || raw.charAt(3 + PREFIX_LENGTH) != '_') {
      return Optional.empty();
    }
    for (int i = 3; i < 3 + PREFIX_LENGTH; i++) {
      char c = raw.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return Optional.empty();
      }
    }
    for (int i = 4 + PREFIX_LENGTH; i < KEY_LENGTH; i++) {
      char c = raw.charAt(i);
      boolean base64url =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!base64url) {
        return Optional.empty();
      }
    }
    return Optional.of(raw.substring(3, 3 + PREFIX_LENGTH));
  }

  /** Hex SHA-256 of the whole key. */
  public static String hash(String raw) {
    return HexFormat.of().formatHex(sha256(raw));
  }

  /** Whether {@code raw} hashes to {@code storedHash}, compared in constant time. */
  public static boolean matches(String raw, String storedHash) {
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(storedHash);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return matches(raw, expected);
  }

  /** Whether {@code raw} hashes to {@code storedHash} (raw bytes), compared in constant time. */
  public static boolean matches(String raw, byte[] storedHash) {
    return MessageDigest.isEqual(sha256(raw), storedHash);
  }

  /** The bytes of a stored hex hash, or an empty array (which matches nothing) if malformed. */
  static byte[] hashBytes(String storedHash) {
    try {
      return HexFormat.of().parseHex(storedHash);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static byte[] sha256(String raw) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest.digest(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
