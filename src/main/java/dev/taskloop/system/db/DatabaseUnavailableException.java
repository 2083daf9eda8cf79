package dev.taskloop.system.db;

/**
 * The database cannot serve the request now, but may shortly: pool exhausted, server unreachable,
 * statement timed out, database busy. The HTTP layer answers 503 with {@code Retry-After}.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  /** Why, for the log and the problem detail; never the driver's message. */
  public enum Reason {
    POOL_EXHAUSTED("no database connection became free in time"),
    UNREACHABLE("the database cannot be reached"),
    TIMEOUT("the database did not answer in time"),
    BUSY("the database is busy");

    private final String detail;

    Reason(String detail) {
      this.detail = detail;
    }

    public String detail() {
      return detail;
    }
  }

  private final Reason reason;

  public DatabaseUnavailableException(Reason reason, Throwable cause) {
    super(reason.detail(), cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
