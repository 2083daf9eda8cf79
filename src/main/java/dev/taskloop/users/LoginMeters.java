package dev.taskloop.users;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The login limits' meters, the same on both databases: {@code
 * taskloop_login_limited_total{limit="email"|"user"|"address"}}, every 429 by the limit that was
 * reached, and {@code taskloop_login_failures_total}, logins refused with 401 (wrong email or
 * password).
 */
final class LoginMeters {
  /** Which limit refused a check: the {@code limit} label. */
  enum Limit {
    EMAIL,
    USER,
    ADDRESS
  }

  private final Counter byEmail, byUser, byAddress, failedLogins;

  LoginMeters(MeterRegistry registry) {
    this.byEmail = limited(registry, "email");
    this.byUser = limited(registry, "user");
    this.byAddress = limited(registry, "address");
    this.failedLogins =
        Counter.builder("taskloop.login.failures")
            .description("Logins refused with 401: wrong email or password")
            .register(registry);
  }

  void limited(Limit limit) {
    switch (limit) {
      case EMAIL -> byEmail.increment();
      case USER -> byUser.increment();
      case ADDRESS -> byAddress.increment();
    }
  }

  void loginFailed() {
    failedLogins.increment();
  }

  private static Counter limited(MeterRegistry registry, String limit) {
    return Counter.builder("taskloop.login.limited")
        .description("Password checks refused with 429, by the limit that was reached")
        .tag("limit", limit)
        .register(registry);
  }
}
