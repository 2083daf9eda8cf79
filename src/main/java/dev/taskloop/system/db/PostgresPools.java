package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL through the reactive client, within the configured connection budget: {@code
 * DB_POOL_SIZE} connections split between a pipelined read client (half, rounded down) and a plain
 * write pool (the rest). A pipelined client cannot run transactions, and pipelining measured slower
 * for single-row INSERTs (commits bunch up on fewer connections), so each path gets the client that
 * measured faster for it. A budget of 1 puts everything on one plain pool.
 */
final class PostgresPools {
  record Clients(SqlClient reads, Pool writes) {}

  private PostgresPools() {}

  static Clients open(Vertx vertx, DatabaseUrl.Postgres url, AppConfig config) {
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(url.host())
            .setPort(url.port())
            .setDatabase(url.database())
            .setUser(url.user())
            .setCachePreparedStatements(true)
            .setPipeliningLimit(config.pipeliningLimit())
            .setSslMode(SslMode.of(url.sslMode()))
            .setProperties(
                Map.of(
                    "application_name",
                    "taskloop",
                    "statement_timeout",
                    Long.toString(config.statementTimeout().toMillis())));
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
    int total = config.poolSize();
    int readSize = total / 2;
    Pool writes =
        PgBuilder.pool()
            .with(poolOptions(config, "taskloop-pg-writes", total - readSize))
            .connectingTo(connect)
            .using(vertx)
            .build();
    if (readSize == 0) {
      return new Clients(writes, writes);
    }
    SqlClient reads =
        PgBuilder.client()
            .with(poolOptions(config, "taskloop-pg-reads", readSize))
            .connectingTo(connect)
            .using(vertx)
            .build();
    return new Clients(reads, writes);
  }

  private static PoolOptions poolOptions(AppConfig config, String name, int size) {
    return new PoolOptions()
        .setName(name)
        .setMaxSize(size)
        .setConnectionTimeout((int) config.acquireTimeout().toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }
}
