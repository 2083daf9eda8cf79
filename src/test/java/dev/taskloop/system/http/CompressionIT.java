package dev.taskloop.system.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.BulkTasks;
import dev.taskloop.support.Http;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With {@code HTTP_COMPRESSION_MIN_BYTES} set (1024 here), answers of at least that size are
 * compressed for clients that accept it, smaller ones never; exports are compressed as they stream.
 * By default only {@code /openapi.json} is, compressed once at startup.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class CompressionIT {
  @Parameter TestDatabase database;

  private static TestServer server;
  private static Http http;

  @BeforeParameterizedClassInvocation
  static void startServer(TestDatabase database) {
    server = TestServer.start(database, Map.of("HTTP_COMPRESSION_MIN_BYTES", "1024"));
    http = server.http();
  }

  @AfterParameterizedClassInvocation
  static void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private static final HttpResponse.BodyHandler<byte[]> BYTES =
      HttpResponse.BodyHandlers.ofByteArray();

  @Test
  void largeAnswersAreCompressedForClientsThatAcceptIt() throws IOException {
    byte[] plain = http.raw("GET", "/openapi.json", BYTES).body();
    var gzip = http.withHeader("Accept-Encoding", "gzip").raw("GET", "/openapi.json", BYTES);
    assertEquals(200, gzip.statusCode());
    assertEquals("gzip", encoding(gzip));
    assertTrue(varies(gzip), gzip.headers()::toString);
    assertArrayEquals(
        plain, new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes());
    assertTrue(gzip.body().length * 4 < plain.length, gzip.body().length + " of " + plain.length);

    var deflate =
        http.withHeader("Accept-Encoding", "gzip;q=0, deflate").raw("GET", "/openapi.json", BYTES);
    assertEquals("deflate", encoding(deflate));
    assertArrayEquals(
        plain, new InflaterInputStream(new ByteArrayInputStream(deflate.body())).readAllBytes());

    var unknown = http.withHeader("Accept-Encoding", "br").raw("GET", "/openapi.json", BYTES);
    assertEquals("", encoding(unknown));
    assertArrayEquals(plain, unknown.body());
  }

  @Test
  void withoutAcceptEncodingNothingIsCompressedButLargeAnswersVary() {
    var plain = http.raw("GET", "/openapi.json", BYTES);
    assertEquals("", encoding(plain));
    assertTrue(varies(plain), "another client may get it compressed");
    assertEquals(
        String.valueOf(plain.body().length), plain.headers().firstValue("content-length").get());
    assertTrue(plain.body().length > 100_000);
  }

  @Test
  void smallAnswersAreNotCompressed() {
    String location = http.post("/tasks", "{\"title\":\"small\"}").header("location").get();
    var gzip = http.withHeader("Accept-Encoding", "gzip");
    for (String path :
        new String[] {location, "/docs/index.css", "/tasks/999999", "/health/live"}) {
      var answer = gzip.raw("GET", path, BYTES);
      assertEquals("", encoding(answer), path);
      assertTrue(answer.body().length > 0 && answer.body().length < 1024, path);
      assertTrue(answer.body()[0] != (byte) 0x1f, path + " is not gzip");
    }
    var task = gzip.raw("GET", location, BYTES);
    assertArrayEquals(http.raw("GET", location, BYTES).body(), task.body());
    assertFalse(varies(task), "a small answer does not vary");
    var head = gzip.raw("HEAD", location, BYTES);
    assertEquals(200, head.statusCode());
    assertEquals("", encoding(head), "no stray Content-Encoding: identity");
    assertFalse(varies(head));
  }

  /** A file is sent in pieces; the compressor's own threshold would see only its head. */
  @Test
  void largeStaticAssetsAreCompressed() throws IOException {
    byte[] plain = http.raw("GET", "/docs/swagger-ui.css", BYTES).body();
    var gzip = http.withHeader("Accept-Encoding", "gzip").raw("GET", "/docs/swagger-ui.css", BYTES);
    assertEquals("gzip", encoding(gzip));
    assertTrue(varies(gzip));
    assertArrayEquals(
        plain, new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes());
    assertTrue(plain.length > 100_000 && gzip.body().length * 3 < plain.length);
  }

  @Test
  void headAnswersAreNotCompressedButVaryLikeTheirGet() {
    var head = http.withHeader("Accept-Encoding", "gzip").raw("HEAD", "/openapi.json", BYTES);
    assertEquals(200, head.statusCode());
    assertEquals("", encoding(head));
    assertTrue(varies(head));
    assertEquals(0, head.body().length);
  }

  /**
   * The export is compressed chunk by chunk: its first line arrives long before its end, as it does
   * uncompressed, and the whole is the uncompressed export's bytes.
   */
  @Test
  void theExportIsCompressedWhileItStreams() throws Exception {
    int rows = 100_000;
    BulkTasks.insert(server, rows);
    for (String format : new String[] {"ndjson", "csv"}) {
      String path = "/tasks/export?format=" + format;
      String plain = sha256(new ByteArrayInputStream(http.raw("GET", path, BYTES).body()));
      long start = System.nanoTime();
      var gzip =
          http.withHeader("Accept-Encoding", "gzip")
              .raw("GET", path, HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, gzip.statusCode());
      assertEquals("gzip", encoding(gzip));
      assertTrue(varies(gzip));
      assertFalse(gzip.headers().firstValue("content-length").isPresent(), "streamed");
      var digest = MessageDigest.getInstance("SHA-256");
      long firstLine = -1;
      int lines = 0;
      try (InputStream in = new GZIPInputStream(gzip.body())) {
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          digest.update(buffer, 0, n);
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines++;
            }
          }
          if (firstLine < 0 && lines > 0) {
            firstLine = System.nanoTime() - start;
          }
        }
      }
      long total = System.nanoTime() - start;
      assertEquals(plain, HexFormat.of().formatHex(digest.digest()), format);
      assertTrue(lines >= rows, format + ": " + lines + " lines");
      assertTrue(
          firstLine * 4 < total,
          format + ": first line after " + firstLine / 1_000_000 + " ms of " + total / 1_000_000);
    }
  }

  /** The threshold moves with HTTP_COMPRESSION_MIN_BYTES; 0 turns compression off. */
  @Test
  void theThresholdIsConfigurable() throws IOException {
    try (var low = TestServer.start(database, Map.of("HTTP_COMPRESSION_MIN_BYTES", "100"))) {
      String location = low.http().post("/tasks", "{\"title\":\"small\"}").header("location").get();
      var task = low.http().withHeader("Accept-Encoding", "gzip").raw("GET", location, BYTES);
      assertEquals("gzip", encoding(task), "a task is above 100 bytes");
    }
    try (var byDefault = TestServer.start(database)) {
      var gzip = byDefault.http().withHeader("Accept-Encoding", "gzip");
      var document = gzip.raw("GET", "/openapi.json", BYTES);
      assertEquals("gzip", encoding(document), "the document, compressed once at startup");
      assertTrue(varies(document));
      assertEquals(
          new String(byDefault.http().raw("GET", "/openapi.json", BYTES).body(), UTF_8),
          new String(
              new GZIPInputStream(new ByteArrayInputStream(document.body())).readAllBytes(),
              UTF_8));
      var list = gzip.raw("GET", "/docs/swagger-ui.css", BYTES);
      assertEquals(200, list.statusCode());
      assertEquals("", encoding(list), "nothing else is compressed by default");
    }
  }

  private static String encoding(HttpResponse<?> response) {
    return response.headers().firstValue("content-encoding").orElse("");
  }

  /** The answer names Accept-Encoding in Vary. */
  private static boolean varies(HttpResponse<?> response) {
    return response.headers().allValues("vary").stream()
        .flatMap(value -> Arrays.stream(value.split(",")))
        .anyMatch(token -> token.strip().toLowerCase(Locale.ROOT).equals("accept-encoding"));
  }

  private static String sha256(InputStream in) throws Exception {
    var digest = MessageDigest.getInstance("SHA-256");
    digest.update(in.readAllBytes());
    return HexFormat.of().formatHex(digest.digest());
  }
}
