package dev.taskloop.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class DatabaseInFailuresTest {
  /** The display names of a test in the second run of a {@code @ParameterizedClass}, test first. */
  private static final List<String> ON_POSTGRESQL =
      List.of("createsTask", "[2] database=POSTGRESQL", "TasksApiIT", "JUnit Jupiter");

  @Test
  void anAssertionStartsWithItsDatabaseAndKeepsItsValuesAndPlace() {
    var failure = new AssertionFailedError("status ==> expected: <201> but was: <500>", 201, 500);

    var named =
        assertInstanceOf(
            AssertionFailedError.class, DatabaseInFailures.onDatabase(ON_POSTGRESQL, failure));

    assertEquals("[POSTGRESQL] status ==> expected: <201> but was: <500>", named.getMessage());
    assertEquals(201, named.getExpected().getValue());
    assertEquals(500, named.getActual().getValue());
    assertArrayEquals(failure.getStackTrace(), named.getStackTrace());
  }

  @Test
  void anAssertionWithoutMessageIsTheDatabaseAlone() {
    var named = DatabaseInFailures.onDatabase(List.of("[1] SQLITE"), new AssertionError());

    assertEquals("[SQLITE]", named.getMessage());
  }

  @Test
  void anErrorStaysAnErrorWithTheOriginalAsItsCause() {
    var error = new UncheckedIOException("GET /tasks", new java.io.IOException("refused"));

    var named = DatabaseInFailures.onDatabase(ON_POSTGRESQL, error);

    assertInstanceOf(DatabaseInFailures.RanOnDatabase.class, named);
    assertEquals("[POSTGRESQL] " + error, named.getMessage());
    assertSame(error, named.getCause());
  }

  @Test
  void skipsAndTestsOfNoDatabaseAreLeftAsTheyAre() {
    var skip = new TestAbortedException("skipping PostgreSQL tests: not reachable");
    var failure = new AssertionFailedError("expected: <1> but was: <2>");

    assertSame(skip, DatabaseInFailures.onDatabase(ON_POSTGRESQL, skip));
    assertSame(
        failure,
        DatabaseInFailures.onDatabase(List.of("rejectsBadUrl", "DatabaseUrlTest"), failure));
  }
}
