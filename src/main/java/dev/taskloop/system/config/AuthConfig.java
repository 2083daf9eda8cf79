package dev.taskloop.system.config;

import java.time.Duration;

/**
 * Accounts and API keys, part of {@link AppConfig}.
 *
 * @param signupEnabled public {@code POST /users} ({@code SIGNUP_ENABLED}, default true)
 * @param adminEmail with {@code adminPassword}: the admin created (idempotently) at startup ({@code
 *     ADMIN_EMAIL}); null for none
 * @param adminPassword {@code ADMIN_PASSWORD}; never logged
 * @param hashMemoryKib Argon2id memory per hash, KiB ({@code PASSWORD_HASH_MEMORY_KIB}, default
 *     19456, OWASP's minimum)
 * @param hashIterations Argon2id passes ({@code PASSWORD_HASH_ITERATIONS}, default 2)
 * @param hashParallelism Argon2id lanes ({@code PASSWORD_HASH_PARALLELISM}, default 1)
 * @param hashWorkers threads that hash passwords, off the event loops ({@code
 *     PASSWORD_HASH_WORKERS}, default 2)
 * @param loginMaxFailures failed logins per email or per client address within {@code loginWindow}
 *     before 429 ({@code LOGIN_MAX_FAILURES}, default 5)
 * @param loginWindow {@code LOGIN_WINDOW_S}, default 900 (15 minutes)
 * @param keyCacheTtl how long a verified API key is trusted without asking the database ({@code
 *     AUTH_CACHE_TTL_S}, default 5): the bound for revocation to reach other instances
 */
public record AuthConfig(
    boolean signupEnabled,
    String adminEmail,
    String adminPassword,
    int hashMemoryKib,
    int hashIterations,
    int hashParallelism,
    int hashWorkers,
    int loginMaxFailures,
    Duration loginWindow,
    Duration keyCacheTtl) {

  // Argon2id defaults: OWASP's minimum for Argon2id (Password Storage Cheat Sheet: m=19 MiB, t=2,
  // p=1). Lower is weaker than that advice; higher costs every login and sign-up more memory and
  // time on the hashing workers.

  /** Default {@code PASSWORD_HASH_MEMORY_KIB}: 19 MiB per hash. */
  static final int DEFAULT_HASH_MEMORY_KIB = 19_456;

  /** Default {@code PASSWORD_HASH_ITERATIONS}: passes over that memory. */
  static final int DEFAULT_HASH_ITERATIONS = 2;

  /** Default {@code PASSWORD_HASH_PARALLELISM}: lanes (and threads) per hash. */
  static final int DEFAULT_HASH_PARALLELISM = 1;

  @Override
  public String toString() { // keep the admin password out of any log line
    return "AuthConfig[signupEnabled="
        + signupEnabled
        + ", adminEmail="
        + adminEmail
        + ", hash=argon2id(m="
        + hashMemoryKib
        + ",t="
        + hashIterations
        + ",p="
        + hashParallelism
        + "), hashWorkers="
        + hashWorkers
        + ", loginMaxFailures="
        + loginMaxFailures
        + ", loginWindow="
        + loginWindow
        + ", keyCacheTtl="
        + keyCacheTtl
        + "]";
  }
}
