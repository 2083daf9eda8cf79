package dev.taskloop.system.db;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DatabaseUrl;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's LISTEN/NOTIFY between instances: {@link #announce} sends a notification inside the
 * caller's transaction (PostgreSQL delivers it on commit, and never for a rollback), and every
 * instance listens on one connection of its own ({@code PgSubscriber}), to {@code
 * DATABASE_LISTEN_URL} (default {@code DATABASE_URL}): LISTEN cannot pass PgBouncer's transaction
 * pooling.
 *
 * <p>The subscriber reconnects after any loss (100 ms, doubling, at most 5 s apart, forever), and a
 * heartbeat every {@value #HEARTBEAT_MS} ms closes a connection that stopped answering, so a
 * silently dropped link is found too. Notifications sent while it was down are lost: every
 * (re)subscription calls the listener's {@code onSubscribed}, which must forget whatever it caches.
 * Gauge {@code taskloop_notifications_connected} is 1 while the subscriber holds its connection,
 * which {@code pg_stat_activity} shows as {@value #APPLICATION_NAME}.
 */
public final class Notifications {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  static final long HEARTBEAT_MS = 10_000;

  /** The listener's {@code application_name} in {@code pg_stat_activity}. */
  static final String APPLICATION_NAME = "taskloop-listen";

  private static final String NOTIFY = "SELECT pg_notify($1, $2)";

  private final Vertx vertx;
  private final PgSubscriber subscriber; // null: SQLite, one instance, nothing to tell
  private final long heartbeat;
  private boolean connecting;
  private volatile boolean closed;
  private volatile boolean beating; // a heartbeat is waiting for its answer
  private volatile long retry = -1; // the timer of a first connection's next attempt

  private Notifications(Vertx vertx, PgSubscriber subscriber) {
    this.vertx = vertx;
    this.subscriber = subscriber;
    this.heartbeat = subscriber == null ? -1 : vertx.setPeriodic(HEARTBEAT_MS, id -> beat());
  }

  /** SQLite's: announcing does nothing, listening never hears anything. */
  static Notifications none(Vertx vertx) {
    return new Notifications(vertx, null);
  }

  static Notifications open(Vertx vertx, AppConfig config, MeterRegistry registry) {
    var options =
        PostgresPools.connectOptions(config.scaleOut().listenUrl(), config, false)
            .setPipeliningLimit(4) // room for a close behind a heartbeat that hangs
            .setProperties(Map.of("application_name", APPLICATION_NAME));
    PgSubscriber subscriber =
        PgSubscriber.subscriber(vertx, options).reconnectPolicy(Notifications::reconnectDelay);
    if (config.database() instanceof DatabaseUrl.Postgres main
        && !main.database().equals(config.scaleOut().listenUrl().database())) {
      LOG.warn(
          "DATABASE_LISTEN_URL names database {}, DATABASE_URL {}: NOTIFY is per database, so"
              + " revocations will not reach this instance",
          config.scaleOut().listenUrl().database(),
          main.database());
    }
    var notifications = new Notifications(vertx, subscriber);
    Gauge.builder("taskloop.notifications.connected", notifications, Notifications::connected)
        .description("1 while the LISTEN connection for revocations between instances is up")
        .register(registry);
    return notifications;
  }

  /**
   * Milliseconds before reconnect attempt {@code attempt} (0 right after a loss); never gives up.
   */
  private static Long reconnectDelay(Integer attempt) {
    if (attempt == 0) {
      LOG.warn("the LISTEN connection to PostgreSQL was lost; reconnecting");
    }
    return Math.min(100L << Math.min(attempt, 6), 5_000L);
  }

  /**
   * Listens on {@code channel} from now on: {@code onMessage} gets each payload, {@code
   * onSubscribed} runs after each (re)subscription, on an event loop. The first call connects.
   */
  public synchronized void listen(
      String channel, Consumer<String> onMessage, Runnable onSubscribed) {
    if (subscriber == null) {
      return;
    }
    subscriber
        .channel(channel)
        .subscribeHandler(
            v -> {
              LOG.info("listening to PostgreSQL notifications on {}", channel);
              onSubscribed.run();
            })
        .handler(onMessage::accept);
    if (!connecting) { // in the background; a failed first attempt is retried like a lost one
      connecting = true;
      subscriber.connect().onFailure(e -> retryFirst(0, e));
    }
  }

  private void retryFirst(int attempt, Throwable e) {
    if (closed) {
      return;
    }
    LOG.warn("cannot LISTEN on PostgreSQL yet ({}); retrying", e.getMessage());
    subscriber
        .close() // PgSubscriber connects again only once closed
        .onComplete(
            done ->
                retry =
                    vertx.setTimer(
                        reconnectDelay(attempt + 1),
                        id -> {
                          if (!closed) {
                            subscriber.connect().onFailure(again -> retryFirst(attempt + 1, again));
                          }
                        }));
  }

  /** Sends {@code payload} on {@code channel} when {@code tx} commits (a transaction's). */
  public Future<Void> announce(SqlConnection tx, String channel, String payload) {
    return subscriber == null
        ? Future.succeededFuture()
        : tx.preparedQuery(NOTIFY).execute(Tuple.of(channel, payload)).mapEmpty();
  }

  private double connected() {
    return subscriber.actualConnection() == null ? 0 : 1;
  }

  /** A connection that does not answer within the heartbeat is closed, so it gets replaced. */
  private void beat() {
    PgConnection connection = subscriber.actualConnection();
    if (connection == null || beating) {
      return;
    }
    beating = true;
    long timeout =
        vertx.setTimer(
            HEARTBEAT_MS,
            id -> {
              LOG.warn(
                  "the LISTEN connection did not answer for {} ms; replacing it", HEARTBEAT_MS);
              beating = false;
              connection.close();
            });
    connection
        .query("SELECT 1")
        .execute()
        .onComplete(
            done -> {
              beating = false;
              vertx.cancelTimer(timeout);
            });
  }

  Future<Void> close() {
    closed = true;
    if (subscriber == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(heartbeat);
    if (retry >= 0) {
      vertx.cancelTimer(retry);
    }
    return subscriber.close();
  }
}
