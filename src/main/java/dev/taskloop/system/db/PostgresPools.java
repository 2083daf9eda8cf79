package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL through the reactive client, within the configured connection budget: {@code
 * DB_POOL_SIZE} connections split between a pipelined read client (a fifth, at least one) and a
 * plain write pool (the rest). A pipelined client cannot run transactions, and pipelining measured
 * slower for single-row INSERTs (commits bunch up on fewer connections), so each path gets the
 * client that measured faster for it. A budget of 1 puts everything on one plain pool. Streaming
 * exports have {@code DB_EXPORT_POOL_SIZE} connections of their own (an export holds its connection
 * while its client reads), and readiness one more, so that a busy pool never makes a healthy
 * instance look down.
 *
 * <p>Time bounds, from the inside out: {@code lock_timeout} (waiting for another transaction's
 * lock), {@code statement_timeout} (the whole statement, server side), the pool's acquire timeout
 * (waiting for a free connection), the connect timeout (TCP connect and TLS handshake of a new
 * connection). A connection that hears nothing from the server for {@link #socketIdle} is closed:
 * that bounds a server or network that stalls without closing the connection. It also closes a
 * connection idle in the pool that long, so the pool closes idle connections 5 s before that
 * ({@link #idleBelowSocket}): about 58 s with the defaults, or {@code DB_IDLE_TIMEOUT_S} if
 * shorter.
 *
 * <p>Dead connections ({@code pool_pre_ping}): the client reads every socket all the time, so a
 * close or reset from the server or a middlebox evicts the connection as soon as it arrives; the
 * request that met it in that instant is retried where that is safe ({@link Resend}). A connection
 * dropped silently (no FIN, no RST) is found only by using it: the request fails with 503 after its
 * client-side timeout ({@link DatabaseClients}), and the connection is closed after {@link
 * #socketIdle}. TCP keepalive is on, but at the kernel's default idle time (usually 2 h): Vert.x
 * 5.0.12 offers no per-socket keepalive interval on the NIO transport.
 */
final class PostgresPools {
  record Clients(SqlClient reads, Pool writes, Pool exports, Pool health) {}

  private PostgresPools() {}

  static Clients open(Vertx vertx, DatabaseUrl.Postgres url, AppConfig config) {
    PgConnectOptions connect = connectOptions(url, config, config.scaleOut().pgbouncer());
    NetClientOptions tcp = tcpOptions(config);
    int total = config.poolSize();
    int readSize = readSize(total);
    Pool writes =
        pool(vertx, connect, tcp, options(config, "taskloop-pg-writes", total - readSize));
    Pool exports =
        pool(vertx, connect, tcp, options(config, "taskloop-pg-exports", config.exportPoolSize()));
    Pool health =
        pool(
            vertx,
            connect,
            tcp,
            idleBelowSocket(
                config, DatabaseClients.healthPoolOptions(config, "taskloop-pg-health")));
    if (readSize == 0) {
      return new Clients(writes, writes, exports, health);
    }
    SqlClient reads =
        PgBuilder.client()
            .with(options(config, "taskloop-pg-reads", readSize))
            .with(tcp)
            .connectingTo(connect)
            .using(vertx)
            .build();
    return new Clients(reads, writes, exports, health);
  }

  /** {@code DatabaseClients.poolOptions}, closing idle connections {@link #idleBelowSocket}. */
  private static PoolOptions options(AppConfig config, String name, int size) {
    return idleBelowSocket(config, DatabaseClients.poolOptions(config, name, size));
  }

  /**
   * The pool closes an idle connection before its socket's idle bound ({@link #socketIdle}) would:
   * else a statement can be sent on a connection in the instant the bound closes it, and a write
   * met that way is not resent (503). {@code DB_IDLE_TIMEOUT_S} applies when it is shorter.
   */
  private static PoolOptions idleBelowSocket(AppConfig config, PoolOptions options) {
    long socketMillis = socketIdle(config).toMillis();
    long bound = Math.max(1_000, socketMillis - 5_000);
    long configured = config.poolGuards().idleTimeout().toMillis();
    long idle = configured == 0 ? bound : Math.min(configured, bound);
    return options.setIdleTimeout((int) idle).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * The pipelined read client's share of {@code total} connections: a fifth, at least one (none of
   * a budget of one). Measured side by side (bench/ab.sh) against half and half at 10: POST 1.41x
   * (PostgreSQL commits more writes per WAL flush with more connections writing), GET one 0.96x (a
   * pipelined connection carries hundreds of reads).
   */
  static int readSize(int total) {
    return total <= 1 ? 0 : Math.max(1, total / 5);
  }

  /**
   * How long a connection may hear nothing from the server before it is closed: longer than any
   * statement may run and than a paused export may wait for its HTTP client (whose own idle timeout
   * is {@code HTTP_IDLE_TIMEOUT_S}), plus the connect timeout.
   */
  static Duration socketIdle(AppConfig config) {
    Duration longest = config.statementTimeout();
    if (config.http().idleTimeout().compareTo(longest) > 0) {
      longest = config.http().idleTimeout();
    }
    return longest.plus(config.connectTimeout());
  }

  private static Pool pool(
      Vertx vertx, PgConnectOptions connect, NetClientOptions tcp, PoolOptions options) {
    return PgBuilder.pool().with(options).with(tcp).connectingTo(connect).using(vertx).build();
  }

  /**
   * How to reach {@code url}. Through PgBouncer in transaction mode ({@code pgbouncer}), a
   * statement may run on another server connection than the one it was prepared on, and session
   * settings would leak to other clients: the client then runs as behind a layer-7 proxy (every
   * prepare lives within its own statement), caches no prepared statement, and sends no session
   * setting but its name (PgBouncer 1.18 refuses unknown startup parameters; set the timeouts on
   * the role instead, see the README).
   */
  static PgConnectOptions connectOptions(
      DatabaseUrl.Postgres url, AppConfig config, boolean pgbouncer) {
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(url.host())
            .setPort(url.port())
            .setDatabase(url.database())
            .setUser(url.user())
            .setCachePreparedStatements(!pgbouncer)
            .setUseLayer7Proxy(pgbouncer)
            .setPipeliningLimit(config.pipeliningLimit())
            .setSslMode(PostgresTls.mode(url, config.connectTimeout()))
            .setProperties(
                pgbouncer
                    ? Map.of("application_name", "taskloop")
                    : Map.of(
                        "application_name",
                        "taskloop",
                        "statement_timeout",
                        Long.toString(config.statementTimeout().toMillis()),
                        "lock_timeout",
                        Long.toString(config.lockTimeout().toMillis())));
    if (url.password() != null) {
      connect.setPassword(url.password());
    }
    // libpq semantics: require/prefer/allow encrypt without verifying the certificate; verify-ca
    // checks it against the JVM's trust store, verify-full also checks the host name.
    connect.setSslOptions(
        switch (url.sslMode()) {
          case "verify-full" -> new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS");
          case "verify-ca" -> new ClientSSLOptions().setHostnameVerificationAlgorithm("");
          default -> new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("");
        });
    return connect;
  }

  private static NetClientOptions tcpOptions(AppConfig config) {
    int connectMillis = (int) config.connectTimeout().toMillis();
    return new NetClientOptions()
        .setConnectTimeout(connectMillis)
        .setSslHandshakeTimeout(connectMillis)
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setReadIdleTimeout((int) socketIdle(config).toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpKeepAlive(true)
        .setTcpNoDelay(true);
  }
}
