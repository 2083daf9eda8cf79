package dev.taskloop.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.observe.RequestContext;
import dev.taskloop.system.observe.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the API key of every non-public request ({@code Authorization: Bearer <key>} or {@code
 * X-API-Key: <key>}) and puts the caller's {@link Principal} on the request. Every failure is the
 * same 401.
 *
 * <p>A key's row (with its user's state) is cached by prefix for {@code AUTH_CACHE_TTL_S}, so a hot
 * key costs no database round trip; the secret is still hashed and compared on every request.
 * Unknown prefixes are remembered as briefly, so random keys cannot turn into a database query
 * each. Revocation, deactivation and password changes evict the cache on the instance that made
 * them at once (a lookup that was already under way does not put the old state back), and on
 * PostgreSQL every other instance as soon as their transaction commits (NOTIFY, see {@link
 * ApiKeyRepository#announce}); the whole cache is forgotten whenever that subscription is
 * (re)established. The TTL is the backstop should a notification be lost. {@code last_used_at} is
 * written at most once a minute per key.
 *
 * <p>Meters: the cache's {@code cache_gets_total{cache="api_keys",result="hit"|"miss"}} (and its
 * size, puts, evictions), and {@code taskloop_auth_failures_total{reason}}, every 401 by why it was
 * refused ({@link Refusal}; never the key or its prefix).
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final String PRINCIPAL = "principal";
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  /** The payloads of revocation notices ({@link ApiKeyRepository#announce}). */
  private static final String KEY = "key:", USER = "user:";

  /** Why a request got 401: the {@code reason} label, a closed set. */
  enum Refusal {
    /** No key, or not one of ours in shape. */
    MISSING,
    /** No key with this prefix. */
    UNKNOWN,
    REVOKED,
    EXPIRED,
    /** The key's user is deactivated. */
    INACTIVE_USER,
    /** The prefix is known, the secret is not its. */
    WRONG_SECRET
  }

  private final ApiKeyRepository keys;
  private final Cache<String, Optional<ApiKeyRepository.KeyRecord>> verified;
  private final Cache<UUID, Boolean> touched;
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

  /** Bumped by every eviction; a lookup that started before one does not fill the cache. */
  private final AtomicLong evictions = new AtomicLong();

  Authenticator(ApiKeyRepository keys, AppConfig.Auth config, MeterRegistry registry) {
    this.keys = keys;
    var cache = Caffeine.newBuilder().expireAfterWrite(config.keyCacheTtl()).maximumSize(100_000);
    this.verified = (Telemetry.records(registry) ? cache.recordStats() : cache).build();
    CaffeineCacheMetrics.monitor(registry, verified, "api_keys");
    for (Refusal refusal : Refusal.values()) {
      refusals.put(
          refusal,
          Counter.builder("taskloop.auth.failures")
              .description("Requests refused with 401 by the API key check, by reason")
              .tag("reason", refusal.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    this.touched =
        Caffeine.newBuilder().expireAfterWrite(TOUCH_INTERVAL).maximumSize(100_000).build();
  }

  /** The caller of an authenticated request. */
  public static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null) {
      throw new IllegalStateException("route is not behind the Authenticator");
    }
    return principal;
  }

  /** Route handler: {@code ctx.next()} with a principal, or fail with 401. */
  public void handle(RoutingContext ctx) {
    String raw = presentedKey(ctx);
    Optional<String> prefix = ApiKeys.prefixOf(raw);
    if (prefix.isEmpty()) {
      refuse(ctx, Refusal.MISSING);
      return;
    }
    Optional<ApiKeyRepository.KeyRecord> cached = verified.getIfPresent(prefix.get());
    if (cached != null) {
      admit(ctx, raw, cached);
      return;
    }
    long generation = evictions.get();
    Routes.aboutToWait(ctx); // the database answers later: keep the body unread until then
    keys.findForAuth(prefix.get())
        .onComplete(
            found -> {
              if (found.failed()) {
                ctx.fail(found.cause());
                return;
              }
              // Cached as found, rejected keys included: a revoked key or inactive user is checked
              // on every use, and forgetUser finds the entry of a user who is reactivated.
              var key = found.result();
              if (evictions.get() == generation) {
                verified.put(prefix.get(), key);
              }
              admit(ctx, raw, key);
            });
  }

  /**
   * Tells every instance, when {@code tx} commits, that the key with {@code prefix} is revoked (see
   * {@link #noticed}).
   */
  public Future<Void> announceKey(SqlConnection tx, String prefix) {
    return keys.announce(tx, KEY + prefix);
  }

  /** Tells every instance, when {@code tx} commits, that {@code userId}'s keys changed. */
  public Future<Void> announceUser(SqlConnection tx, UUID userId) {
    return keys.announce(tx, USER + userId);
  }

  /** A notification from an instance (this one too): forgets what it names. */
  void noticed(String payload) {
    if (payload.startsWith(KEY)) {
      forgetKey(payload.substring(KEY.length()));
    } else if (payload.startsWith(USER)) {
      try {
        forgetUser(UUID.fromString(payload.substring(USER.length())));
      } catch (IllegalArgumentException e) {
        forgetAll();
      }
    } else { // from a newer version, perhaps: forgetting everything is always safe
      forgetAll();
    }
  }

  /**
   * Forgets every cached key: when the subscription to other instances' notifications is
   * (re)established, since those sent while it was down are lost.
   */
  void forgetAll() {
    evictions.incrementAndGet();
    verified.invalidateAll();
  }

  /** Forgets a revoked key at once (on this instance). */
  public void forgetKey(String prefix) {
    evictions.incrementAndGet();
    verified.invalidate(prefix);
  }

  /**
   * Forgets every key of a user (deactivated or reactivated, or keys revoked by a password change).
   */
  public void forgetUser(UUID userId) {
    evictions.incrementAndGet();
    verified.asMap().values().removeIf(key -> key.isPresent() && key.get().userId().equals(userId));
  }

  private void admit(RoutingContext ctx, String raw, Optional<ApiKeyRepository.KeyRecord> found) {
    if (found.isEmpty()) {
      refuse(ctx, Refusal.UNKNOWN);
      return;
    }
    var key = found.get();
    Refusal refusal = refusal(key, raw);
    if (refusal != null) {
      refuse(ctx, refusal);
      return;
    }
    if (touched.getIfPresent(key.id()) == null
        && touched.asMap().putIfAbsent(key.id(), Boolean.TRUE) == null) {
      keys.touch(key.id())
          .onFailure(e -> LOG.debug("could not record last use of a key: {}", e.toString()));
    }
    ctx.put(PRINCIPAL, new Principal(key.userId(), key.id(), key.admin()));
    RequestContext request = RequestContext.current();
    if (request != null) { // who is calling, for the access log and leak warnings: the id only
      request.userId(key.userId().toString());
    }
    ctx.next();
  }

  /** Why {@code key} does not let {@code raw} in; null when it does. */
  private static Refusal refusal(ApiKeyRepository.KeyRecord key, String raw) {
    if (key.revoked()) {
      return Refusal.REVOKED;
    }
    if (!key.userActive()) {
      return Refusal.INACTIVE_USER;
    }
    if (key.expiresAt() != null && !Instant.now().isBefore(key.expiresAt())) {
      return Refusal.EXPIRED;
    }
    return ApiKeys.matches(raw, key.hash()) ? null : Refusal.WRONG_SECRET;
  }

  private void refuse(RoutingContext ctx, Refusal why) {
    refusals.get(why).increment();
    ctx.fail(ApiException.unauthorized());
  }

  private static String presentedKey(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).strip();
    }
    return ctx.request().getHeader("X-API-Key");
  }
}
