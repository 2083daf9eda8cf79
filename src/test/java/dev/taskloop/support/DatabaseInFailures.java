package dev.taskloop.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Puts the database a failed test ran on at the start of its message: {@code [POSTGRESQL] expected:
 * <201> but was: <500>}. The console names a test of a class run once per database by its method
 * and an invocation index only ({@code createsTask()[2]}), and the summary at the end by its method
 * alone, the same for both runs; the message is what every report shows. The database is the {@link
 * TestDatabase} in the display name of the test or of one of its parents (the default name of a
 * {@code @ParameterizedClass} or {@code @ParameterizedTest} invocation shows its arguments). Skips
 * (aborted assumptions) keep their message. Registered for every test class through JUnit's
 * extension auto-detection.
 */
public final class DatabaseInFailures
    implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  private static final Pattern DATABASE = Pattern.compile("\\b(SQLITE|POSTGRESQL)\\b");

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw onDatabase(context, failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw onDatabase(context, failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw onDatabase(context, failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw onDatabase(context, failure);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw onDatabase(context, failure);
  }

  private static Throwable onDatabase(ExtensionContext context, Throwable failure) {
    var displayNames = new ArrayList<String>();
    for (var each = Optional.of(context); each.isPresent(); each = each.get().getParent()) {
      displayNames.add(each.get().getDisplayName());
    }
    return onDatabase(displayNames, failure);
  }

  /**
   * {@code failure} with the database first in its message, the first named in {@code displayNames}
   * (the test's, then its parents'); {@code failure} itself for a skip, or when none names one.
   */
  static Throwable onDatabase(List<String> displayNames, Throwable failure) {
    if (failure instanceof TestAbortedException) {
      return failure;
    }
    for (String name : displayNames) {
      var found = DATABASE.matcher(name);
      if (found.find()) {
        return named("[" + found.group(1) + "]", failure);
      }
    }
    return failure;
  }

  /**
   * A copy with {@code prefix} before the message, at the same place in the code: an assertion
   * stays an assertion (with its expected and actual values, for an IDE's diff), anything else
   * becomes a wrapper with the original as its cause, so that it still counts as an error.
   */
  private static Throwable named(String prefix, Throwable failure) {
    String message = failure.getMessage() == null ? prefix : prefix + " " + failure.getMessage();
    Throwable copy =
        switch (failure) {
          case AssertionFailedError e when e.isExpectedDefined() && e.isActualDefined() ->
              new AssertionFailedError(message, e.getExpected(), e.getActual(), e.getCause());
          case AssertionError e -> new AssertionFailedError(message, e.getCause());
          default -> new RanOnDatabase(prefix + " " + failure, failure);
        };
    copy.setStackTrace(failure.getStackTrace());
    for (Throwable suppressed : failure.getSuppressed()) {
      copy.addSuppressed(suppressed);
    }
    return copy;
  }

  /** An error (not an assertion) of a test that ran on one database; the cause is the error. */
  static final class RanOnDatabase extends RuntimeException {
    RanOnDatabase(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
