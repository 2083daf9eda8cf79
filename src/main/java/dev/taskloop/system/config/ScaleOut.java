package dev.taskloop.system.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * What matters once taskloop runs as several instances behind a load balancer, part of the
 * configuration.
 *
 * @param trustedProxies the proxies whose forwarded headers name the client ({@code
 *     TRUSTED_PROXIES}: comma-separated addresses or CIDR blocks such as {@code 10.0.0.0/8, ::1};
 *     default none). Only when a request's socket peer is one of them is its client address taken
 *     from {@code X-Forwarded-For} ({@code Forwarded} is never believed); else it is the peer
 * @param pgbouncer {@code DB_PGBOUNCER}: the PostgreSQL URL goes through PgBouncer in transaction
 *     mode (default false): no prepared statement outlives its statement, and the session settings
 *     (statement and lock timeouts) are not sent, since a transaction pool cannot keep them; {@code
 *     DATABASE_LISTEN_URL} is then required
 * @param listenUrl a direct connection to PostgreSQL for LISTEN, which a transaction pool cannot
 *     carry ({@code DATABASE_LISTEN_URL}; default: {@code DATABASE_URL})
 */
public record ScaleOut(
    List<Cidr> trustedProxies, boolean pgbouncer, DatabaseUrl.Postgres listenUrl) {

  /** An address block: {@code prefix} leading bits of {@code address}. */
  public record Cidr(InetAddress address, int prefix) {}

  static ScaleOut read(EnvVars vars, DatabaseUrl database) {
    boolean pgbouncer = vars.bool("DB_PGBOUNCER", false);
    String listen = vars.text("DATABASE_LISTEN_URL", null);
    if (!(database instanceof DatabaseUrl.Postgres direct)) {
      if (pgbouncer || listen != null) {
        throw new AppConfig.Invalid(
            (pgbouncer ? "DB_PGBOUNCER" : "DATABASE_LISTEN_URL")
                + " is set, but DATABASE_URL is not PostgreSQL: it applies to PostgreSQL only");
      }
      return new ScaleOut(cidrs(vars), false, null);
    }
    if (pgbouncer && listen == null) {
      throw new AppConfig.Invalid(
          "DB_PGBOUNCER=true needs DATABASE_LISTEN_URL: LISTEN cannot pass a transaction pool, so"
              + " set it to a direct postgresql:// URL of the same database");
    }
    DatabaseUrl listenUrl = listen == null ? direct : DatabaseUrl.parse(listen);
    if (!(listenUrl instanceof DatabaseUrl.Postgres postgres)) {
      throw AppConfig.Invalid.value(
          "DATABASE_LISTEN_URL", listenUrl.masked(), "expected a postgresql:// URL");
    }
    return new ScaleOut(cidrs(vars), pgbouncer, postgres);
  }

  private static List<Cidr> cidrs(EnvVars vars) {
    String raw = vars.text("TRUSTED_PROXIES", "");
    var cidrs = new ArrayList<Cidr>();
    for (String part : raw.split(",")) {
      if (!part.isBlank()) {
        cidrs.add(cidr(part.strip()));
      }
    }
    return List.copyOf(cidrs);
  }

  private static Cidr cidr(String text) {
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
    int bits = bytes == null ? 0 : bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
    }
    if (bytes == null || prefix < 0 || prefix > bits) {
      throw AppConfig.Invalid.value(
          "TRUSTED_PROXIES",
          text,
          "expected IP addresses or CIDR blocks, comma-separated (e.g. 10.0.0.0/8, ::1)");
    }
    try {
      return new Cidr(InetAddress.getByAddress(bytes), prefix);
    } catch (UnknownHostException e) { // only for a byte array of the wrong length
      throw new IllegalStateException(e);
    }
  }
}
