package dev.taskloop.system.config;

import io.netty.util.NetUtil;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the HTTP layer offers browsers and other web clients beyond the API itself, part of the
 * configuration.
 *
 * @param corsOrigins the origins whose pages may call the API from a browser ({@code
 *     CORS_ALLOWED_ORIGINS}: comma-separated serialized origins such as {@code https://app.example,
 *     http://localhost:5173}, or {@code *} alone for any; default none: CORS off). Lower case,
 *     without repeats. The API takes its key from a header, never from a cookie, so no credentials
 *     are ever allowed, and {@code *} gives a page nothing it could not send without a browser
 * @param compressionMinBytes answers of at least this many bytes are compressed (gzip or deflate)
 *     for clients that accept it ({@code HTTP_COMPRESSION_MIN_BYTES}, default 0: off, but for
 *     {@code /openapi.json}, compressed once at startup). Off by default because the compressor
 *     sits in every connection's pipeline: with it, GET one took about 10 % more CPU per request,
 *     measured side by side (issue 12's note)
 */
public record Web(List<String> corsOrigins, int compressionMinBytes) {
  /** The one entry of {@link #corsOrigins} that allows every origin. */
  public static final String ANY_ORIGIN = "*";

  private static final String CORS = "CORS_ALLOWED_ORIGINS";
  private static final String ACCEPTED =
      "expected * alone, or comma-separated origins scheme://host[:port] (http or https; no path,"
          + " no default port), e.g. https://app.example, http://localhost:5173";
  // RFC 6454 section 6.2: scheme "://" host [ ":" port ], host a name, an IPv4 or an [IPv6]
  // address.
  private static final Pattern ORIGIN =
      Pattern.compile("(https?)://(\\[[0-9a-f:.]+]|[^\\[\\]/:@?#\\s]+)(?::([1-9][0-9]{0,4}))?");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("(?:.*\\.)?[0-9]+");

  static Web read(EnvVars vars) {
    return new Web(
        corsOrigins(vars.text(CORS, "")),
        vars.integer("HTTP_COMPRESSION_MIN_BYTES", 0, 0, 16 * 1024 * 1024));
  }

  /** CORS is on: some origin is allowed. */
  public boolean cors() {
    return !corsOrigins.isEmpty();
  }

  /** Every origin is allowed ({@code CORS_ALLOWED_ORIGINS=*}). */
  public boolean anyOrigin() {
    return corsOrigins.equals(List.of(ANY_ORIGIN));
  }

  /**
   * {@code text} in lower case when it is a serialized origin ({@code scheme://host[:port]}) of an
   * http or https page, as a browser sends it in {@code Origin}; else null. A browser never writes
   * the scheme's default port, a path or a trailing slash, so none of these is one.
   */
  public static String origin(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    var parts = ORIGIN.matcher(lower);
    if (!parts.matches()) {
      return null;
    }
    String host = parts.group(2);
    boolean hostOk =
        host.startsWith("[")
            ? NetUtil.isValidIpV6Address(host.substring(1, host.length() - 1))
            : host.length() <= 253
                && EnvVars.HOST_NAME.matcher(host).matches()
                // a name whose last label is a number is read as an IPv4 address by browsers
                && (!NUMERIC_LABEL.matcher(host).matches() || NetUtil.isValidIpV4Address(host));
    String port = parts.group(3);
    String defaultPort = parts.group(1).equals("https") ? "443" : "80";
    boolean portOk = port == null || (!port.equals(defaultPort) && Integer.parseInt(port) <= 65535);
    return hostOk && portOk ? lower : null;
  }

  private static List<String> corsOrigins(String raw) {
    var origins = new LinkedHashSet<String>();
    for (String part : raw.split(",")) {
      String entry = part.strip();
      if (entry.isEmpty()) {
        continue;
      }
      String origin = entry.equals(ANY_ORIGIN) ? ANY_ORIGIN : origin(entry);
      if (origin == null) {
        throw AppConfig.Invalid.value(CORS, entry, ACCEPTED);
      }
      origins.add(origin);
    }
    if (origins.size() > 1 && origins.contains(ANY_ORIGIN)) {
      throw AppConfig.Invalid.value(
          CORS, raw.strip(), "* allows every origin, so it stands alone, without other origins");
    }
    return List.copyOf(origins);
  }
}
