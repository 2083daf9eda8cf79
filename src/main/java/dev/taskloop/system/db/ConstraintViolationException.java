package dev.taskloop.system.db;

/**
 * The database refused a write because of a constraint (decided by the database, so it holds under
 * concurrency). Callers that expect one translate it to their own conflict; anything left reaches
 * the HTTP layer as 409.
 */
public final class ConstraintViolationException extends RuntimeException {
  public enum Kind {
    UNIQUE,
    FOREIGN_KEY,
    CHECK,
    NOT_NULL
  }

  private final Kind kind;
  private final String constraint;

  public ConstraintViolationException(Kind kind, String constraint, Throwable cause) {
    super(
        kind + " constraint violated" + (constraint == null ? "" : ": " + constraint),
        cause,
        false,
        false);
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
