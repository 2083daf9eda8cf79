package dev.taskloop.system.idempotency;

import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.db.Database;
import dev.taskloop.system.db.Writes;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.Conditional;
import dev.taskloop.system.http.Json;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Validation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safe retries of creates (IETF httpapi Idempotency-Key draft). With a key, the first request
 * claims it ({@link IdempotencyRepository#claim}), runs its write and stores its answer in the same
 * transaction; a retry with the same key and payload gets that answer again with {@code
 * Idempotent-Replayed: true} and creates nothing; another payload is 422; a retry while the first
 * runs is 409. A failed write gives the key up (a retry runs again). Keys are kept for {@code
 * IDEMPOTENCY_TTL_S}; every instance deletes expired ones once a minute (or once a TTL, if
 * shorter).
 */
public final class Idempotency implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
  public static final String REPLAYED = "Idempotent-Replayed";

  /**
   * How long a claim holds while its request runs at least; a request that died holding one frees
   * it after this. One that outlives it still cannot create twice: its answer is stored only under
   * its own claim (see {@link #lease}).
   */
  private static final Duration MIN_LEASE = Duration.ofSeconds(60);

  /** Without a statement timeout, a create is bounded by nothing: a claim holds this long. */
  private static final Duration UNBOUNDED_LEASE = Duration.ofMinutes(10);

  private static final long CLEAN_UP_PERIOD_MS = 60_000;
  private static final int CLEAN_UP_BATCH = 10_000;

  /** What a create hands over: where the new resource is, and its representation. */
  public record Created(String location, Object resource) {}

  /** The answer to a create, as stored: always JSON. */
  record Answer(int status, String location, String etag, byte[] body) {}

  private final Vertx vertx;
  private final Database db;
  private final IdempotencyRepository keys;
  private final Duration ttl;
  private final Duration lease;
  private final long cleaner;

  /** Keys kept for {@code IDEMPOTENCY_TTL_S}, claims held for {@link #lease}. */
  public Idempotency(Vertx vertx, Database db, AppConfig config) {
    this.vertx = vertx;
    this.db = db;
    this.keys = new IdempotencyRepository(db);
    this.ttl = config.idempotencyTtl();
    this.lease = lease(config);
    long period = Math.min(CLEAN_UP_PERIOD_MS, ttl.toMillis()); // a short TTL is kept short
    this.cleaner = vertx.setPeriodic(period, id -> cleanUp());
  }

  /**
   * Runs {@code work} (the create, in the scope given) and answers 201; with a key, at most once
   * per owner and key. The key is checked with the rest of the request: {@code validation} holds
   * the failures found so far, and fails the request with them all (422) before anything runs.
   */
  public void create(
      RoutingContext ctx,
      Validation validation,
      UUID owner,
      Function<Writes.Scope, Future<Created>> work) {
    Optional<IdempotencyKey> key = IdempotencyKey.of(ctx, validation);
    validation.check();
    if (key.isEmpty()) {
      Responses.reply(
          ctx,
          work.apply(db.autoCommit()),
          (c, created) -> Responses.created(c, created.location(), created.resource()));
      return;
    }
    UUID claim = UUID.randomUUID();
    Responses.reply(
        ctx,
        keys.claim(owner, key.get(), claim, lease, ttl)
            .compose(
                claimed -> claimed ? run(owner, key.get(), claim, work) : stored(owner, key.get())),
        Idempotency::send);
  }

  /**
   * Longer than a create can take: a pool wait and three statements, each bounded by the statement
   * timeout (a lock wait is part of it), twice over; at least {@link #MIN_LEASE}.
   */
  static Duration lease(AppConfig config) {
    if (config.statementTimeout().isZero()) {
      return UNBOUNDED_LEASE;
    }
    Duration create = config.acquireTimeout().plus(config.statementTimeout().multipliedBy(3));
    Duration twice = create.multipliedBy(2);
    return twice.compareTo(MIN_LEASE) > 0 ? twice : MIN_LEASE;
  }

  @Override
  public void close() {
    vertx.cancelTimer(cleaner);
  }

  private Future<Replay> run(
      UUID owner, IdempotencyKey key, UUID claim, Function<Writes.Scope, Future<Created>> work) {
    return db.<Replay>inTransaction(
            tx -> {
              Writes.Scope scope = db.within(tx);
              return work.apply(scope)
                  .compose(
                      created -> {
                        Answer answer = answer(created);
                        return keys.complete(scope, owner, key, claim, answer)
                            .compose(
                                held ->
                                    held
                                        ? Future.succeededFuture(new Replay(answer, false))
                                        : Future.failedFuture(inUse()));
                      });
            })
        .recover(
            failed ->
                keys.release(owner, key, claim)
                    .onFailure(
                        e ->
                            LOG.warn(
                                "An Idempotency-Key stays held until its lease ends ({} s): giving"
                                    + " it up after a failed create failed too: {}",
                                lease.toSeconds(),
                                e.toString()))
                    .transform(released -> Future.failedFuture(failed)));
  }

  private Future<Replay> stored(UUID owner, IdempotencyKey key) {
    return keys.find(owner, key)
        .map(
            found -> {
              var stored = found.orElseThrow(Idempotency::inUse); // given up or expired meanwhile
              if (!stored.fingerprint().equals(key.fingerprint())) {
                throw new ApiException(
                    ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used with another request (method, path or body);"
                        + " use a new key for a new request.");
              }
              if (stored.status() == null) {
                throw inUse();
              }
              var sealed = new Answer(stored.status(), stored.location(), stored.etag(), null);
              byte[] body = Sealed.open(key, owner, sealed, stored.body());
              var answer = new Answer(stored.status(), stored.location(), stored.etag(), body);
              return new Replay(answer, true);
            });
  }

  private static Answer answer(Created created) {
    String etag =
        created.resource() instanceof Conditional.Versioned versioned
            ? Conditional.etag(versioned.version())
            : null;
    return new Answer(201, created.location(), etag, Json.bytes(created.resource()));
  }

  /**
   * 409 with {@code Retry-After: 1}: a create takes milliseconds, so the first request's answer is
   * usually stored by then (the lease is only the bound for a request that died).
   */
  private static ApiException inUse() {
    return ApiException.retryLater(
        ProblemType.IDEMPOTENCY_KEY_IN_USE,
        "A request with this Idempotency-Key is still being processed; retry when it has finished.",
        1);
  }

  private record Replay(Answer answer, boolean replayed) {}

  private static void send(RoutingContext ctx, Replay replay) {
    Answer answer = replay.answer();
    if (replay.replayed()) {
      ctx.response().putHeader(REPLAYED, "true");
    }
    Responses.stored(
        ctx, answer.status(), answer.location(), answer.etag(), Buffer.buffer(answer.body()));
  }

  private void cleanUp() {
    keys.cleanUp(CLEAN_UP_BATCH)
        .onSuccess(
            deleted -> {
              if (deleted == CLEAN_UP_BATCH) { // more are due: go on at once
                cleanUp();
              }
            })
        .onFailure(e -> LOG.warn("Deleting expired Idempotency-Keys failed: {}", e.toString()));
  }
}
