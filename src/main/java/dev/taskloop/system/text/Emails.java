package dev.taskloop.system.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Email addresses as account identities: what an acceptable address is, its canonical spelling, and
 * the key under which two spellings are the same account. Look-alikes (NFC against NFD {@code é},
 * fullwidth {@code ａ}, a zero-width space, a trailing dot on the domain) must not become a second
 * account.
 *
 * <p>Rules: the address is trimmed and NFKC-normalised; it has one {@code @}, a local part of 1..64
 * characters without spaces, specials or leading, trailing or doubled dots (quoted local parts are
 * not supported), and a domain of at least two dot-separated labels of letters, digits and inner
 * hyphens (internationalised letters allowed), without a trailing dot; 254 characters at most, also
 * once case-folded; no invisible or control character anywhere.
 */
public final class Emails {
  private static final int MAX_LENGTH = 254;
  private static final int MAX_LOCAL = 64;
  private static final int MAX_LABEL = 63;
  private static final String SPECIALS = "\"(),:;<>[\\]";

  /** The wording of a rejected address: one per reason. */
  public static final String INVALID = "must be an email address";

  public static final String INVISIBLE = "must not contain invisible or control characters";

  private Emails() {}

  /**
   * An address as given, judged by the one rule every input of an address uses (the API and {@code
   * ADMIN_EMAIL}): canonicalised, then checked.
   *
   * @param canonical the address as it would be stored (see {@link #canonical})
   * @param problem why it is not acceptable ({@link #INVALID} or {@link #INVISIBLE}); null when it
   *     is
   */
  public record Checked(String canonical, String problem) {}

  /** Canonicalises {@code raw} and judges the result. */
  public static Checked check(String raw) {
    String canonical = canonical(raw);
    return new Checked(canonical, problem(canonical));
  }

  /** The address as stored and shown: trimmed and NFKC-normalised. */
  public static String canonical(String raw) {
    return Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC);
  }

  /**
   * Why a canonical address is not acceptable ({@link #INVALID} or {@link #INVISIBLE}), or null
   * when it is.
   */
  public static String problem(String canonical) {
    if (canonical.codePoints().anyMatch(Texts::isInvisible)) { // unpaired surrogates included
      return INVISIBLE;
    }
    int at = canonical.indexOf('@');
    if (canonical.length() > MAX_LENGTH
        || tooLong(key(canonical)) // folding can lengthen it: "ß" becomes "ss"
        || at < 1
        || at != canonical.lastIndexOf('@')) {
      return INVALID;
    }
    return validLocal(canonical.substring(0, at)) && validDomain(canonical.substring(at + 1))
        ? null
        : INVALID;
  }

  /**
   * The uniqueness and login key of a canonical address: case-folded (upper then lower case, so
   * {@code ß} and {@code SS} agree), then NFKC again as Unicode's NFKC_Casefold does.
   */
  public static String key(String canonical) {
    String folded = canonical(canonical).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  /** Both spellings are stored in columns of 254 characters. */
  private static boolean tooLong(String text) {
    return text.codePointCount(0, text.length()) > MAX_LENGTH;
  }

  private static boolean validLocal(String local) {
    if (local.isEmpty()
        || local.codePointCount(0, local.length()) > MAX_LOCAL
        || local.startsWith(".")
        || local.endsWith(".")
        || local.contains("..")) {
      return false;
    }
    return local
        .codePoints()
        .noneMatch(
            c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || SPECIALS.indexOf(c) >= 0);
  }

  private static boolean validDomain(String domain) {
    String[] labels = domain.split("\\.", -1); // -1 keeps an empty last label: a trailing dot
    if (labels.length < 2) {
      return false;
    }
    for (String label : labels) {
      if (label.isEmpty()
          || label.codePointCount(0, label.length()) > MAX_LABEL
          || label.startsWith("-")
          || label.endsWith("-")
          || !label.codePoints().allMatch(Emails::labelCharacter)) {
        return false;
      }
    }
    return !labels[labels.length - 1].chars().allMatch(Character::isDigit); // not an IP's last part
  }

  private static boolean labelCharacter(int c) {
    int type = Character.getType(c);
    return Character.isLetterOrDigit(c)
        || c == '-'
        || type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK;
  }
}
