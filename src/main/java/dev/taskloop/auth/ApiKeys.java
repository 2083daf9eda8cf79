package dev.taskloop.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API key format {@code tl_<prefix>_<secret>}: a 12-character random prefix (public, unique,
 * indexed: it finds the row) and a 256-bit secret from {@link SecureRandom}. Only the SHA-256 of
 * the whole key is stored; checks compare hashes in constant time. A fast hash is right here: the
 * key is random and long, so nothing can be guessed from its hash (unlike a password).
 */
public final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern FORMAT = Pattern.compile("tl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})");

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

  /** The prefix of a well-formed key; empty for anything else. */
  public static Optional<String> prefixOf(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    var m = FORMAT.matcher(raw);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
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
    return MessageDigest.isEqual(sha256(raw), expected);
  }

  private static byte[] sha256(String raw) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
