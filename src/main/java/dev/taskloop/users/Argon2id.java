package dev.taskloop.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) as PHC strings, {@code
 * $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (standard Base64 without padding, the
 * reference implementation's form): the string records its parameters, so a hash made under other
 * settings still verifies. Computed by Bouncy Castle's {@link Argon2BytesGenerator}, which
 * allocates the memory for one run and keeps none of it.
 *
 * <p>Not password4j: its {@code Argon2Function} keeps a zeroed copy of the whole memory (19 MiB at
 * the defaults) in every cached instance, for every parameter set it has met, for the life of the
 * process: a fifth of this service's heap, live forever (measured in issue 11's note).
 */
final class Argon2id {
  /** The digest length, bytes. */
  static final int HASH_BYTES = 32;

  /** The salt length of new hashes, bytes. */
  static final int SALT_BYTES = 16;

  /**
   * Above this, a stored hash is not computed (a corrupt row must not allocate more): the most
   * {@code PASSWORD_HASH_MEMORY_KIB} takes, so that every hash the service makes also verifies.
   */
  static final int MAX_MEMORY_KIB = 4_194_304;

  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,4}),p=(\\d{1,3})"
              + "\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  /** The cost of one hash: memory in KiB, passes over it, lanes. */
  record Cost(int memoryKib, int iterations, int parallelism) {}

  private Argon2id() {}

  /** The PHC string of {@code password} (UTF-8) with {@code salt} at {@code cost}. */
  static String hash(String password, byte[] salt, Cost cost) {
    return phc(cost, salt, digest(password, salt, cost, HASH_BYTES));
  }

  /** The PHC string of a digest: {@code $argon2id$v=19$m=..,t=..,p=..$salt$digest}. */
  static String phc(Cost cost, byte[] salt, byte[] digest) {
    return "$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s"
        .formatted(
            cost.memoryKib(),
            cost.iterations(),
            cost.parallelism(),
            B64.encodeToString(salt),
            B64.encodeToString(digest));
  }

  /**
   * Whether {@code password} matches the PHC string {@code phc}, compared in constant time; false
   * for a string that is not an Argon2id v19 hash within the bounds (nothing is computed then).
   */
  static boolean verify(String password, String phc) {
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      return false;
    }
    var cost =
        new Cost(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
    // below 8 KiB per lane the generator raises the memory itself, the same way each time
    if (cost.memoryKib() > MAX_MEMORY_KIB || cost.iterations() < 1 || cost.parallelism() < 1) {
      return false;
    }
    Base64.Decoder decoder = Base64.getDecoder();
    byte[] salt;
    byte[] expected;
    try {
      salt = decoder.decode(m.group(4));
      expected = decoder.decode(m.group(5));
    } catch (IllegalArgumentException e) { // a length no Base64 text has (4k + 1)
      return false;
    }
    byte[] actual = digest(password, salt, cost, expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] digest(String password, byte[] salt, Cost cost, int length) {
    var parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(cost.memoryKib())
            .withIterations(cost.iterations())
            .withParallelism(cost.parallelism())
            .withSalt(salt)
            .build();
    var generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
