package dev.taskloop.system.http;

import dev.taskloop.system.db.Writes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditional requests (RFC 9110 section 13): the strong {@code ETag} of a versioned resource is
 * its row version in quotes ({@code "3"}); {@code If-None-Match} on GET/HEAD gives 304 (weak
 * comparison); {@code If-Match} on a write becomes the {@link Writes.Expected} versions its
 * statement checks (strong comparison: a weak tag never matches).
 */
public final class Conditional {
  private Conditional() {}

  /**
   * A single resource with a row version ({@link Writes}): {@link Responses} sends its strong
   * {@code ETag} and answers a matching {@code If-None-Match} with 304.
   */
  public interface Versioned {
    /** Changes on every write of the resource; never sent in the body. */
    long version();
  }

  /** The strong entity tag of a version. */
  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /**
   * The request's {@code If-Match} as the versions its write may find: {@link Writes.Expected#ANY}
   * without one or for {@code *} (the resource need only exist, as without the header). A malformed
   * field is 400: ignoring it could lose an update.
   */
  public static Writes.Expected ifMatch(RoutingContext ctx) {
    String field = field(ctx, HttpHeaders.IF_MATCH);
    if (field == null || field.isBlank() || field.strip().equals("*")) {
      return Writes.Expected.ANY;
    }
    List<String> tags = tags(field);
    if (tags == null) {
      throw new ApiException(
          ProblemType.MALFORMED_REQUEST,
          "If-Match must be * or a list of entity tags, such as \"3\", from an ETag.");
    }
    var versions = new ArrayList<Long>();
    for (String tag : tags) {
      Long version = tag.startsWith("W/") ? null : version(tag);
      if (version != null && !versions.contains(version)) {
        versions.add(version);
      }
    }
    if (versions.size() > Writes.MAX_EXPECTED) {
      throw new ApiException(
          ProblemType.MALFORMED_REQUEST,
          "If-Match may name at most " + Writes.MAX_EXPECTED + " entity tags.");
    }
    return new Writes.Expected(versions);
  }

  /**
   * Whether a GET or HEAD of a resource at {@code version} is answered 304: its {@code
   * If-None-Match} is {@code *} or lists the tag, weak or strong. A malformed field is ignored (the
   * full answer is never wrong).
   */
  static boolean notModified(RoutingContext ctx, long version) {
    String field = field(ctx, HttpHeaders.IF_NONE_MATCH);
    if (field == null) {
      return false;
    }
    if (field.strip().equals("*")) {
      return true;
    }
    List<String> tags = tags(field);
    if (tags == null) {
      return false;
    }
    String etag = etag(version);
    for (String tag : tags) {
      if ((tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** A list field sent on several lines is one list (RFC 9110 section 5.3); null when absent. */
  private static String field(RoutingContext ctx, CharSequence name) {
    var headers = ctx.request().headers();
    String first = headers.get(name); // the common case, without a list
    if (first == null) {
      return null;
    }
    var lines = headers.getAll(name);
    return lines.size() == 1 ? first : String.join(", ", lines);
  }

  /** The entity tags of a list field ({@code W/} kept), or null when it is not such a list. */
  private static List<String> tags(String field) {
    var tags = new ArrayList<String>();
    int i = 0;
    int n = field.length();
    while (i < n) {
      char c = field.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      int start = i;
      if (field.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || field.charAt(i) != '"') {
        return null;
      }
      int close = field.indexOf('"', i + 1);
      if (close < 0 || !opaque(field, i + 1, close)) {
        return null;
      }
      tags.add(field.substring(start, close + 1));
      i = close + 1;
      if (i < n && field.charAt(i) != ',' && field.charAt(i) != ' ' && field.charAt(i) != '\t') {
        return null;
      }
    }
    return tags.isEmpty() ? null : tags;
  }

  /** etagc: visible ASCII but the quote, or obs-text. */
  private static boolean opaque(String field, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = field.charAt(i);
      if (c < 0x21 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The version a strong tag of ours names; null for any other tag (it matches nothing). */
  private static Long version(String tag) {
    String inner = tag.substring(1, tag.length() - 1);
    if (inner.isEmpty()
        || inner.length() > 18
        || !inner.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Long.parseLong(inner);
  }
}
