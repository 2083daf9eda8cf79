package dev.taskloop.system.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OpenTelemetry collector for tests: OTLP over HTTP with protobuf bodies ({@code POST
 * /v1/traces}), decoded with the protocol's generated classes. Keeps every span it was sent.
 */
final class OtlpReceiver implements AutoCloseable {
  /** One received span with the resource it came with; ids are lowercase hex. */
  record Received(Span span, Resource resource) {
    String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    String name() {
      return span.getName();
    }

    /** A string (or integer, as text) attribute of the span. */
    Optional<String> attribute(String key) {
      return value(span.getAttributesList(), key);
    }

    Optional<String> resourceAttribute(String key) {
      return value(resource.getAttributesList(), key);
    }

    private static Optional<String> value(List<KeyValue> attributes, String key) {
      return attributes.stream()
          .filter(kv -> kv.getKey().equals(key))
          .map(
              kv ->
                  kv.getValue().hasIntValue()
                      ? Long.toString(kv.getValue().getIntValue())
                      : kv.getValue().getStringValue())
          .findFirst();
    }
  }

  private final HttpServer server;
  private final List<Received> spans = new ArrayList<>();
  private int requests;

  OtlpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The {@code OTEL_EXPORTER_OTLP_ENDPOINT} that reaches this receiver. */
  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  synchronized List<Received> spans() {
    return List.copyOf(spans);
  }

  /** Export requests received so far, whatever their path. */
  synchronized int requests() {
    return requests;
  }

  /** Waits up to {@code millis} for a span that {@code wanted} accepts. */
  Received await(Predicate<Received> wanted, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      Optional<Received> found = spans().stream().filter(wanted).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such span within " + millis + " ms; received: " + names());
  }

  synchronized List<String> names() {
    return spans.stream().map(r -> r.name() + " " + r.span().getKind()).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = decoded(exchange)) {
        body = in.readAllBytes();
      }
      synchronized (this) {
        requests++;
        if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
          var request = ExportTraceServiceRequest.parseFrom(body);
          for (var resourceSpans : request.getResourceSpansList()) {
            for (var scopeSpans : resourceSpans.getScopeSpansList()) {
              for (Span span : scopeSpans.getSpansList()) {
                spans.add(new Received(span, resourceSpans.getResource()));
              }
            }
          }
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  private static InputStream decoded(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
        ? new GZIPInputStream(in)
        : in;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
