package dev.taskloop.tasks;

import static dev.taskloop.support.ProblemAssertions.assertProblem;
import static dev.taskloop.support.ProblemAssertions.errorFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskloop.support.BulkTasks;
import dev.taskloop.support.Http;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.StalledExport;
import dev.taskloop.support.TestDatabase;
import dev.taskloop.support.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** GET /tasks/export: NDJSON and CSV, streamed from a cursor, only the caller's tasks. */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TaskExportIT extends SharedServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeEach
  void emptyTable() {
    server.sql("DELETE FROM tasks");
  }

  @Test
  void emptyExportsAreEmpty() {
    var ndjson = http.get("/tasks/export");
    assertEquals(200, ndjson.status());
    assertEquals("application/x-ndjson", ndjson.contentType());
    assertEquals("", ndjson.body());
    var csv = http.withHeader("Accept", "text/csv").get("/tasks/export");
    assertEquals(200, csv.status());
    assertTrue(csv.contentType().startsWith("text/csv"));
    assertEquals(TaskExport.CSV_HEADER, csv.body());
  }

  @Test
  void theQueryNamesTheFormatAndTheAnswerIsADownload() {
    http.post("/tasks", "{\"title\":\"named\"}");
    var csv = http.withHeader("Accept", "application/x-ndjson").get("/tasks/export?format=csv");
    assertEquals(200, csv.status(), csv::toString);
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    assertTrue(csv.body().startsWith(TaskExport.CSV_HEADER), csv.body());
    assertEquals(
        "attachment; filename=\"tasks.csv\"", csv.header("content-disposition").orElseThrow());
    var ndjson = http.withHeader("Accept", "text/csv").get("/tasks/export?format=ndjson");
    assertEquals("application/x-ndjson", ndjson.contentType());
    assertTrue(ndjson.body().contains("\"title\":\"named\""), ndjson.body());
    assertEquals(
        "attachment; filename=\"tasks.ndjson\"",
        ndjson.header("content-disposition").orElseThrow());
    // the query wins over an Accept that would be 406
    assertEquals(
        200, http.withHeader("Accept", "image/png").get("/tasks/export?format=csv").status());
    for (String bad : List.of("xml", "CSV", "")) {
      var refused = http.get("/tasks/export?format=" + bad);
      assertProblem(refused, 422, "validation-error");
      assertEquals(Set.of("format"), errorFields(refused), bad);
    }
  }

  @Test
  void ndjsonHasOneTaskPerLineInIdOrderAndOnlyTheCallers() throws Exception {
    var ids = new ArrayList<Long>();
    for (int i = 0; i < 5; i++) {
      ids.add(http.post("/tasks", "{\"title\":\"t" + i + "\"}").json().get("id").asLong());
    }
    Http other = server.newUser("export-other-" + database + "@example.com");
    other.post("/tasks", "{\"title\":\"not yours\"}");

    var response = http.get("/tasks/export");

    assertEquals(200, response.status());
    List<String> lines = response.body().lines().toList();
    assertEquals(5, lines.size());
    var exported = new ArrayList<Long>();
    for (String line : lines) {
      var task = JSON.readTree(line);
      exported.add(task.get("id").asLong());
      assertEquals(http.get("/tasks/" + task.get("id").asLong()).json(), task, "same as GET");
    }
    assertEquals(ids, exported);
    assertEquals(1, other.get("/tasks/export").body().lines().count());
  }

  @Test
  void csvQuotesWhatNeedsQuoting() {
    long id =
        http.post(
                "/tasks", "{\"title\":\"a, \\\"quoted\\\" title\",\"description\":\"two\\nlines\"}")
            .json()
            .get("id")
            .asLong();
    http.post("/tasks", "{\"title\":\"plain\"}");

    var csv = http.withHeader("Accept", "text/csv").get("/tasks/export").body();

    assertTrue(csv.startsWith(TaskExport.CSV_HEADER), csv);
    assertTrue(csv.contains(id + ",\"a, \"\"quoted\"\" title\",\"two\nlines\",false,"), csv);
    assertTrue(csv.contains(",plain,,false,"), csv);
  }

  @Test
  void aClientThatGoesAwayReleasesTheConnection() throws Exception {
    // One export connection: if the abandoned export kept it, the export below would wait and 503.
    var env =
        Map.of(
            "DB_POOL_SIZE", "1", "DB_EXPORT_POOL_SIZE", "1", "DB_POOL_ACQUIRE_TIMEOUT_MS", "2000");
    try (var small = TestServer.start(database, env)) {
      BulkTasks.insert(small, 30_000);
      String key = small.loginOwner().json().get("key").asText();
      int port =
          Integer.parseInt(small.http().base().substring(small.http().base().lastIndexOf(':') + 1));
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setReceiveBufferSize(4096);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET /tasks/export HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] some = in.readNBytes(2048);
        assertTrue(new String(some, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"));
        Thread.sleep(300); // the server is now paused on a full socket, holding the cursor
      } // and the client is gone

      long start = System.nanoTime();
      var created = small.http().post("/tasks", "{\"title\":\"after the export\"}");
      assertEquals(201, created.status(), created::toString);
      var again = small.http().withHeader("Accept", "text/csv").get("/tasks/export");
      assertEquals(200, again.status(), again::toString);
      assertTrue(System.nanoTime() - start < 3_000_000_000L, "the connection came back at once");
    }
  }

  @Test
  void theStatementTimeoutBoundsEachFetchNotTheWholeExport() throws Exception {
    int rows = 200_000;
    var env = Map.of("DB_STATEMENT_TIMEOUT_MS", "400");
    try (var small = TestServer.start(database, env)) {
      BulkTasks.insert(small, rows); // not through the service: its statements time out at 400 ms
      String key = small.loginOwner().json().get("key").asText();
      try (Socket socket = new Socket("127.0.0.1", small.app().port())) {
        OutputStream out = socket.getOutputStream();
        long start = System.nanoTime();
        out.write(
            ("GET /tasks/export HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: Bearer "
                    + key
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        var lines =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("HTTP/1.1 200 OK", lines.readLine());
        String line;
        long firstTask = -1;
        int tasks = 0;
        while ((line = lines.readLine()) != null) {
          if (line.startsWith("{\"id\":")) {
            if (firstTask < 0) {
              firstTask = (System.nanoTime() - start) / 1_000_000;
            }
            tasks++;
          }
        }
        long total = (System.nanoTime() - start) / 1_000_000;
        assertTrue(firstTask >= 0 && firstTask < 1000, "first task after " + firstTask + " ms");
        assertEquals(rows, tasks, "every row, though the export took " + total + " ms");
      }
    }
  }

  @Test
  void exportsThatAreNotReadDoNotStarveOtherRequests() throws Exception {
    var env =
        Map.of(
            "DB_POOL_SIZE", "2", "DB_EXPORT_POOL_SIZE", "1", "DB_POOL_ACQUIRE_TIMEOUT_MS", "500");
    try (var small = TestServer.start(database, env)) {
      BulkTasks.insert(small, 30_000);
      String key = small.loginOwner().json().get("key").asText();
      try (Socket stalled = StalledExport.open(small, key)) {
        Thread.sleep(300);
        for (int i = 0; i < 5; i++) {
          assertEquals(201, small.http().post("/tasks", "{\"title\":\"w\"}").status());
          assertEquals(200, small.http().get("/tasks?limit=1").status());
        }
        var second = small.http().get("/tasks/export");
        assertEquals(503, second.status(), "export connections are busy: " + second);
        assertTrue(second.header("retry-after").isPresent());
      }
    }
  }
}
