package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which failures of a pooled connection are retried, for which kind of statement, how often. The
 * driver's own texts for "never sent" come from a real connection in DeadConnectionsIT.
 */
class ResendTest {
  private static final VertxException NOT_ACTIVE =
      VertxException.noStackTrace("Connection is not active now, current status: CLOSED");
  private static final VertxException PENDING =
      VertxException.noStackTrace(
          "Pending requests failed to be sent due to connection has been closed.");
  private static final IOException RESET = new IOException("Connection reset by peer");

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /**
   * How many attempts {@code kind} makes (on an event loop) when every one fails with {@code e}.
   */
  private static int attempts(Resend kind, Throwable e) throws Exception {
    var calls = new AtomicInteger();
    var done = new CompletableFuture<Throwable>();
    vertx.runOnContext(
        v ->
            kind.run(
                    () -> {
                      calls.incrementAndGet();
                      return Future.failedFuture(e);
                    })
                .onComplete(ar -> done.complete(ar.cause())));
    assertSame(e, done.get(5, TimeUnit.SECONDS), "the last failure is passed on as it is");
    return calls.get();
  }

  @Test
  void readsAreRetriedWhateverKilledTheirOpenConnection() throws Exception {
    int all = Resend.RETRIES + 1;
    assertEquals(all, attempts(Resend.READ, ClosedConnectionException.INSTANCE));
    assertEquals(all, attempts(Resend.READ, RESET));
    assertEquals(all, attempts(Resend.READ, NOT_ACTIVE));
    assertEquals(all, attempts(Resend.READ, new VertxException("wrapped", PENDING)));
  }

  @Test
  void writesAreRetriedOnlyWhenNeverSent() throws Exception {
    assertEquals(Resend.RETRIES + 1, attempts(Resend.WRITE, NOT_ACTIVE));
    assertEquals(Resend.RETRIES + 1, attempts(Resend.WRITE, PENDING));
    assertEquals(1, attempts(Resend.WRITE, ClosedConnectionException.INSTANCE), "may have run");
    assertEquals(1, attempts(Resend.WRITE, RESET), "may have run");
  }

  @Test
  void statementsOfATransactionAreNeverRetried() throws Exception {
    assertEquals(1, attempts(Resend.NONE, NOT_ACTIVE));
  }

  @Test
  void whatIsNotADeadPooledConnectionIsNotRetried() throws Exception {
    for (Throwable e :
        new Throwable[] {
          new ConnectException("Connection refused"), // the database is down: no storm
          new SSLHandshakeException("refused"),
          new TimeoutException("late"),
          new PgException("syntax error", "ERROR", "42601", ""),
          new DatabaseException.Unavailable(
              DatabaseException.Unavailable.Reason.POOL_QUEUE_FULL, null)
        }) {
      assertEquals(1, attempts(Resend.READ, e), e.toString());
    }
  }

  @Test
  void aRetryThatSucceedsAnswers() throws Exception {
    var calls = new AtomicInteger();
    var done = new CompletableFuture<String>();
    vertx.runOnContext(
        v ->
            Resend.READ
                .run(
                    () ->
                        calls.incrementAndGet() < 3
                            ? Future.<String>failedFuture(ClosedConnectionException.INSTANCE)
                            : Future.succeededFuture("rows"))
                .onSuccess(done::complete));
    assertEquals("rows", done.get(5, TimeUnit.SECONDS));
    assertEquals(3, calls.get());
    assertTrue(Resend.neverSent(NOT_ACTIVE));
    assertFalse(Resend.neverSent(ClosedConnectionException.INSTANCE));
  }
}
