package dev.taskloop.system.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Proactive content negotiation over {@code Accept} (RFC 9110 section 12.5.1): each offered media
 * type gets the quality of the most specific range that matches it ({@code type/subtype} before
 * {@code type/*} before {@code *}{@code /*}); {@code q=0} means "not acceptable". The best offer
 * wins, ties go to the server's order. (vertx-web's own negotiation ignores {@code q=0}.)
 */
final class Negotiation {
  private record Range(String type, String subtype, double quality) {
    int specificity() {
      return type.equals("*") ? 0 : subtype.equals("*") ? 1 : 2;
    }

    boolean matches(String offerType, String offerSubtype) {
      return type.equals("*")
          || (type.equals(offerType) && (subtype.equals("*") || subtype.equals(offerSubtype)));
    }
  }

  private Negotiation() {}

  /**
   * The offer (a bare {@code type/subtype}) to send for {@code accept}; empty when none is
   * acceptable (406). No or a blank header accepts anything: the first offer.
   */
  static Optional<String> choose(String accept, List<String> offers) {
    if (accept == null || accept.isBlank()) {
      return Optional.of(offers.getFirst());
    }
    List<Range> ranges = parse(accept);
    String best = null;
    double bestQuality = 0;
    for (String offer : offers) {
      int slash = offer.indexOf('/');
      String type = offer.substring(0, slash);
      String subtype = offer.substring(slash + 1);
      Range match = null;
      for (Range range : ranges) {
        if (range.matches(type, subtype)
            && (match == null || range.specificity() > match.specificity())) {
          match = range;
        }
      }
      if (match != null && match.quality() > bestQuality) {
        best = offer;
        bestQuality = match.quality();
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Whether an {@code Accept-Encoding} field takes {@code coding}: named, or {@code *}, with a
   * qvalue above 0 (the name wins over {@code *}). No field takes none.
   */
  static boolean acceptsCoding(String acceptEncoding, String coding) {
    if (acceptEncoding == null) {
      return false;
    }
    double any = 0;
    for (String element : acceptEncoding.split(",")) {
      String[] parts = element.split(";");
      String name = parts[0].strip().toLowerCase(Locale.ROOT);
      double quality = 1;
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
        if (parameter.startsWith("q=")) {
          quality = quality(parameter.substring(2));
        }
      }
      if (name.equals(coding)) {
        return quality > 0;
      }
      if (name.equals("*")) {
        any = quality;
      }
    }
    return any > 0;
  }

  private static List<Range> parse(String accept) {
    var ranges = new ArrayList<Range>();
    for (String element : accept.split(",")) {
      String[] parts = element.split(";");
      String media = parts[0].strip().toLowerCase(Locale.ROOT);
      int slash = media.indexOf('/');
      if (slash <= 0 || slash == media.length() - 1) {
        continue; // not a media range: ignored
      }
      double quality = 1;
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
        if (parameter.startsWith("q=")) {
          quality = quality(parameter.substring(2));
        }
      }
      ranges.add(new Range(media.substring(0, slash), media.substring(slash + 1), quality));
    }
    return ranges;
  }

  /** A qvalue: 0 to 1 with up to three decimals; anything else counts as 0 (not acceptable). */
  private static double quality(String text) {
    if (!text.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
      return 0;
    }
    return Double.parseDouble(text);
  }
}
