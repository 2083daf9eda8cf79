package dev.taskloop.system.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.taskloop.support.FaultProxy;
import dev.taskloop.support.LogCapture;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tracing end to end, against a small OTLP/HTTP receiver ({@link OtlpReceiver}): off unless an
 * endpoint is configured; when on, a request is exported as its server span named after the route
 * with a {@code Query} span per statement beneath it, its log lines carry the trace id, and a
 * caller's {@code traceparent} is continued.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TracingIT {
  private static final long WAIT_MS = 10_000;

  @Parameter TestDatabase database;

  /** Tracing to {@code receiver}, exporting every {@code delayMillis}; SQL lines are logged. */
  private static Map<String, String> tracingTo(String endpoint, long delayMillis) {
    var env = new HashMap<String, String>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_BSP_SCHEDULE_DELAY", Long.toString(delayMillis));
    env.put("SQL_ECHO", "true");
    return env;
  }

  @Test
  void aRequestIsItsServerSpanWithAQuerySpanBeneathAndItsLogLinesCarryTheTraceId()
      throws Exception {
    try (var receiver = new OtlpReceiver();
        var sql = new LogCapture("dev.taskloop.sql", Level.INFO);
        var server = TestServer.start(database, tracingTo(receiver.endpoint(), 50))) {
      long id = server.http().post("/tasks", "{\"title\":\"traced\"}").json().get("id").asLong();
      var response = server.http().withHeader("X-Request-Id", "traced-get").get("/tasks/" + id);
      assertEquals(200, response.status(), response::toString);

      var request = // (the server's warm-up asked for /tasks/1 too, and got 404)
          receiver.await(
              s ->
                  s.attribute("url.path").equals(Optional.of("/tasks/" + id))
                      && s.attribute("http.response.status_code").equals(Optional.of("200")),
              WAIT_MS);
      assertEquals("GET /tasks/{id}", request.name());
      assertEquals(SpanKind.SPAN_KIND_SERVER, request.span().getKind());
      assertEquals(Optional.of("/tasks/{id}"), request.attribute("http.route"));
      assertEquals(Optional.of("taskloop"), request.resourceAttribute("service.name"));
      assertEquals("", request.parentSpanId().replace("0", ""), "a trace of its own: no parent");

      var query =
          receiver.await(
              s ->
                  s.traceId().equals(request.traceId())
                      && s.attribute("db.query.text").orElse("").contains("FROM tasks"),
              WAIT_MS);
      assertEquals("Query", query.name());
      assertEquals(SpanKind.SPAN_KIND_CLIENT, query.span().getKind());
      assertEquals(request.spanId(), query.parentSpanId(), "the statement is the request's child");

      ILoggingEvent line =
          sql.events().stream()
              .filter(e -> "traced-get".equals(e.getMDCPropertyMap().get("requestId")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no SQL line of the request: " + sql.text()));
      assertEquals(request.traceId(), line.getMDCPropertyMap().get("traceId"));
      assertEquals(request.spanId(), line.getMDCPropertyMap().get("spanId"));
    }
  }

  @Test
  void aCallersTraceparentIsContinued() throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String parentId = "b7ad6b7169203331";
    try (var receiver = new OtlpReceiver();
        var server = TestServer.start(database, tracingTo(receiver.endpoint(), 50))) {
      var response =
          server
              .http()
              .withHeader("traceparent", "00-" + traceId + "-" + parentId + "-01")
              .get("/tasks?limit=1");
      assertEquals(200, response.status(), response::toString);

      var request =
          receiver.await(
              s -> s.traceId().equals(traceId) && s.span().getKind() == SpanKind.SPAN_KIND_SERVER,
              WAIT_MS);
      assertEquals("GET /tasks", request.name());
      assertEquals(parentId, request.parentSpanId());
    }
  }

  @Test
  void probesStartNoTrace() throws Exception {
    try (var receiver = new OtlpReceiver();
        var server = TestServer.start(database, tracingTo(receiver.endpoint(), 50))) {
      assertEquals(200, server.http().get("/health/ready").status());
      assertEquals(200, server.http().get("/health/live").status());
      assertEquals(200, server.http().get("/tasks?limit=2").status());

      // Spans leave in the order they ended: once the later request's span is here, a probe's
      // would be too.
      receiver.await(s -> s.attribute("url.query").equals(Optional.of("limit=2")), WAIT_MS);
      assertTrue(
          receiver.spans().stream()
              .noneMatch(s -> s.attribute("url.path").orElse("").startsWith("/health")),
          () -> "probe spans: " + receiver.names());
    }
  }

  @Test
  void theSpansOfTheLastRequestsAreExportedAtShutdown() throws Exception {
    try (var receiver = new OtlpReceiver()) {
      // Ten minutes between exports: only the flush at shutdown can deliver these spans.
      var server = TestServer.start(database, tracingTo(receiver.endpoint(), 600_000));
      try {
        assertEquals(200, server.http().get("/tasks?limit=3").status());
        assertEquals(0, receiver.requests(), "nothing exported before shutdown");
      } finally {
        server.close();
      }
      assertTrue(
          receiver.spans().stream()
              .anyMatch(s -> s.attribute("url.query").equals(Optional.of("limit=3"))),
          () -> "spans after shutdown: " + receiver.names());
    }
  }

  @Test
  void withoutAnEndpointThereIsNoTracerAndNoTraceIdInTheLogs() {
    try (var sql = new LogCapture("dev.taskloop.sql", Level.INFO);
        var server = TestServer.start(database, Map.of("SQL_ECHO", "true"))) {
      assertNull(tracer(server.app().vertx()), "no OTEL_* set: Vert.x has no tracer");
      var response = server.http().withHeader("X-Request-Id", "untraced").get("/tasks?limit=1");
      assertEquals(200, response.status());
      ILoggingEvent line =
          sql.events().stream()
              .filter(e -> "untraced".equals(e.getMDCPropertyMap().get("requestId")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no SQL line of the request: " + sql.text()));
      assertNull(line.getMDCPropertyMap().get("traceId"), line.getMDCPropertyMap()::toString);
    }
  }

  @Test
  void aDisabledSdkNeverDialsTheEndpoint() {
    try (var receiver = new OtlpReceiver();
        var proxy = FaultProxy.to("127.0.0.1", receiver.port())) {
      var env = tracingTo("http://127.0.0.1:" + proxy.port(), 50);
      env.put("OTEL_SDK_DISABLED", "true");
      try (var server = TestServer.start(database, env)) {
        assertNull(tracer(server.app().vertx()), "OTEL_SDK_DISABLED=true: Vert.x has no tracer");
        assertEquals(200, server.http().get("/tasks?limit=1").status());
      }
      assertEquals(0, proxy.accepted(), "connections to the endpoint");
      assertEquals(0, receiver.requests());
    }
  }

  private static Object tracer(Vertx vertx) {
    return ((VertxInternal) vertx).tracer();
  }
}
