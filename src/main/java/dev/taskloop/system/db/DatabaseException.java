package dev.taskloop.system.db;

/**
 * What a statement fails with when the database, not the code, says no: a {@link Constraint} (the
 * HTTP layer answers 409) or {@link Unavailable} (503 with {@code Retry-After}). Every driver error
 * that is one of these is translated in one place ({@code DbErrors}); anything else passes through
 * unchanged and is a bug. Carries no stack trace: the cause has it.
 */
public abstract sealed class DatabaseException extends RuntimeException
    permits DatabaseException.Constraint, DatabaseException.Unavailable {

  private DatabaseException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * The database refused a write because of a constraint (decided by the database, so it holds
   * under concurrency). Callers that expect one translate it to their own conflict; anything left
   * reaches the HTTP layer as 409.
   */
  public static final class Constraint extends DatabaseException {
    public enum Kind {
      UNIQUE,
      FOREIGN_KEY,
      CHECK,
      NOT_NULL
    }

    private final Kind kind;
    private final String constraint;

    Constraint(Kind kind, String constraint, Throwable cause) {
      super(kind + " constraint violated" + (constraint == null ? "" : ": " + constraint), cause);
      this.kind = kind;
      this.constraint = constraint;
    }

    public Kind kind() {
      return kind;
    }

    /** The constraint's name where the database reports it (PostgreSQL), else null (SQLite). */
    public String constraint() {
      return constraint;
    }
  }

  /**
   * The database cannot serve the request now, but may shortly: pool exhausted, server unreachable,
   * statement timed out, database busy. The HTTP layer answers 503 with {@code Retry-After}.
   */
  public static final class Unavailable extends DatabaseException {
    /** Why, for the log and the problem detail; never the driver's message. */
    public enum Reason {
      POOL_EXHAUSTED("no database connection became free in time"),
      /** The pool's wait queue ({@code DB_POOL_MAX_WAITING}) is full: refused without waiting. */
      POOL_QUEUE_FULL("too many requests are already waiting for a database connection"),
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

    public Unavailable(Reason reason, Throwable cause) {
      super(reason.detail(), cause);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }
}
