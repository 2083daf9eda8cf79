package dev.taskloop.system.openapi;

import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import dev.taskloop.system.openapi.RequestRules.Case;
import dev.taskloop.system.openapi.RequestRules.In;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * One source for request rules: every rule the API document states for a path or query parameter or
 * a body field (see {@link RequestRules}) holds over HTTP. A request that breaks exactly one rule
 * gets a 422 validation problem whose {@code errors} name exactly that field; a request exactly at
 * a length or range boundary passes. A limit changed on one side only (the document or the Java
 * input classes) fails a case here. Every answer must also match the document (see {@link
 * DocumentedResponses}).
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class RequestRulesContractIT {
  /**
   * The admin the fixtures call as; failed logins are not limited, so that one case's failure
   * cannot turn the other login cases into 429s.
   */
  private static final Map<String, String> ENVIRONMENT =
      Map.of(
          "ADMIN_EMAIL", RuleFixtures.ADMIN_EMAIL,
          "ADMIN_PASSWORD", RuleFixtures.ADMIN_PASSWORD,
          "LOGIN_MAX_FAILURES", "1000");

  private static final ApiDocument DOCUMENT = new ApiDocument(new JsonObject(documentText()));

  @Parameter TestDatabase database;

  private static TestServer server;
  private static TestAbortedException unavailable;
  private static RequestRules rules;
  private static RuleFixtures fixtures;
  private static DocumentedResponses responses;

  @BeforeParameterizedClassInvocation
  static void start(TestDatabase database) {
    unavailable = null;
    try {
      server = TestServer.start(database, ENVIRONMENT);
    } catch (TestAbortedException e) { // no PostgreSQL here: every test is skipped, with why
      unavailable = e;
      return;
    }
    assertEquals(documentText(), server.http().get("/openapi.json").body(), "the served document");
    var values = new RuleValues(DOCUMENT);
    rules = new RequestRules(DOCUMENT, values);
    fixtures = new RuleFixtures(server, DOCUMENT, values);
    responses = new DocumentedResponses(DOCUMENT);
  }

  @BeforeEach
  void requireServer() {
    if (unavailable != null) {
      throw unavailable;
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRuleOfTheDocumentHoldsOverHttp() {
    return DOCUMENT.operations().stream()
        .flatMap(op -> rules.of(op).stream())
        .map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
  }

  /** The walk is not vacuous: every operation that takes input has cases, of both kinds. */
  @Test
  void everyOperationWithInputHasCases() {
    int refused = 0;
    int passing = 0;
    for (Operation op : DOCUMENT.operations()) {
      List<Case> cases = rules.of(op);
      for (Case c : cases) {
        System.out.println("request rule: " + c);
        if (c.pass()) {
          passing++;
        } else {
          refused++;
        }
      }
      boolean input =
          op.parameters().stream().anyMatch(p -> !p.in().equals("header")) || op.body().isPresent();
      assertEquals(input, !cases.isEmpty(), op.name() + ": " + cases);
      if (input) {
        assertTrue(cases.stream().anyMatch(c -> !c.pass()), op.name() + " has no refused case");
      }
    }
    System.out.println(
        "request rules: "
            + refused
            + " refused and "
            + passing
            + " passing cases, plus skipped: "
            + RequestRules.UNBREAKABLE);
  }

  /** A bad path id and a bad body are reported together: one 422 lists both. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithPathIdAndBody")
  void badIdAndBadBodyAreListedTogether(String name) {
    Operation op =
        DOCUMENT.operations().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    List<Case> cases = rules.of(op).stream().filter(c -> !c.pass() && c.judged()).toList();
    Case badId = cases.stream().filter(c -> c.in() == In.PATH).findFirst().orElseThrow();
    Case badField =
        cases.stream()
            .filter(c -> c.in() == In.BODY && !c.field().equals("body"))
            .findFirst()
            .orElseThrow();
    Case notAnObject =
        cases.stream().filter(c -> c.rule().equals("type object")).findFirst().orElseThrow();
    for (Case badBody : List.of(badField, notAnObject)) {
      RuleRequest request = fixtures.baseline(op);
      badId.change().accept(request);
      badBody.change().accept(request);
      var response = send(fixtures.prepare(request, false), request);
      assertEquals(
          Set.of(badId.field(), badBody.field()), errorFields(response), request::toString);
    }
  }

  static Stream<String> operationsWithPathIdAndBody() {
    return DOCUMENT.operations().stream()
        .filter(op -> !op.in("path").isEmpty() && op.body().isPresent())
        .map(Operation::name);
  }

  /** Sends one case; a failure names the case (the dynamic tests' reports show only an index). */
  private static void run(Case c) {
    try {
      check(c);
    } catch (AssertionError e) {
      throw new AssertionError(c + ": " + e.getMessage(), e);
    }
  }

  private static void check(Case c) {
    RuleRequest request = fixtures.baseline(c.op());
    c.change().accept(request);
    Http caller = fixtures.prepare(request, c.pass());
    if (c.judged()) { // the walk's own mistake, not the service's
      assertEquals(c.pass(), request.documentAccepts(DOCUMENT), () -> "the document: " + request);
    }
    var response = send(caller, request);
    if (c.pass() && fixtures.noAccountHas()) {
      assertTrue(
          response.status() == 401 || response.body().contains("is not correct"),
          () -> request + " -> " + response);
    } else if (c.pass()) {
      assertEquals(2, response.status() / 100, () -> request + " -> " + response);
    } else {
      assertEquals(Set.of(c.field()), errorFields(response), request::toString);
    }
    responses.check(c.op(), response);
  }

  private static Http.Response send(Http caller, RuleRequest request) {
    return caller.send(
        request.op.method(), request.uri(), request.contentType(), request.bodyText());
  }

  /** The document as built into the service (the test also checks that it is the one served). */
  private static String documentText() {
    try (InputStream in = RequestRulesContractIT.class.getResourceAsStream("/openapi.json")) {
      assertFalse(in == null, "openapi.json on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
