package dev.taskloop.support;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.opentest4j.TestAbortedException;

/**
 * Base of an HTTP test class that runs once per database and shares one server between its tests.
 * Subclasses add {@code @ParameterizedClass @EnumSource(TestDatabase.class)}.
 */
public abstract class SharedServer {
  @Parameter protected TestDatabase database;

  protected static TestServer server;
  protected static Http http;
  private static TestAbortedException unavailable;

  @BeforeParameterizedClassInvocation
  static void startServer(TestDatabase database) {
    unavailable = null;
    try {
      server = TestServer.start(database);
      http = server.http();
    } catch (TestAbortedException e) { // no PostgreSQL here: report every test as skipped, with why
      unavailable = e;
    }
  }

  @BeforeEach
  void requireServer() {
    if (unavailable != null) {
      throw unavailable;
    }
  }

  @AfterParameterizedClassInvocation
  static void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
