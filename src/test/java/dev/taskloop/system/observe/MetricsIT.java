package dev.taskloop.system.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.Http;
import dev.taskloop.support.Scrape;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET /metrics} on the main port (the default): each HTTP and auth family moves when what it
 * counts happens, and nothing a caller sends becomes a label.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class MetricsIT extends SharedServer {
  static final String REQUESTS = "vertx_http_server_requests_total";
  private static final String[] GET_TASK_OK = {
    "method", "GET", "route", "/tasks/{id}", "code", "200"
  };

  private String unique(String what) {
    return what + "-" + database.name().toLowerCase(Locale.ROOT);
  }

  @Test
  void isPublicAndInThePrometheusTextFormat() {
    var response = server.anonymous().get("/metrics");
    assertEquals(200, response.status(), response::toString);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", response.contentType());
    assertTrue(response.body().contains("# TYPE " + REQUESTS + " counter"), response.body());
  }

  @Test
  void requestsAreCountedByMethodRouteTemplateAndStatusWithLatencyBuckets() {
    long id = http.post("/tasks", "{\"title\":\"counted\"}").json().get("id").asLong();
    double before = Scrape.of(http).value(REQUESTS, GET_TASK_OK);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, http.get("/tasks/" + id).status());
    }
    var after = Scrape.until(http, s -> s.value(REQUESTS, GET_TASK_OK) >= before + 3);
    assertEquals(before + 3, after.value(REQUESTS, GET_TASK_OK));

    var buckets = after.samples("vertx_http_server_response_time_seconds_bucket", GET_TASK_OK);
    assertEquals(
        List.of(
            "0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5",
            "+Inf"),
        buckets.stream().map(bucket -> bucket.labels().get("le")).toList());
    assertEquals(before + 3, buckets.getLast().value(), "every request is in the +Inf bucket");
  }

  @Test
  void anUnmatchedPathIsCountedAsUnmatchedWithoutItsPath() {
    String[] unmatched = {"route", "unmatched", "code", "404"};
    double before = Scrape.of(http).value(REQUESTS, unmatched);
    assertEquals(404, http.get("/nope-zq81763/918273645").status());
    var after = Scrape.until(http, s -> s.value(REQUESTS, unmatched) >= before + 1);
    assertEquals(before + 1, after.value(REQUESTS, unmatched));
    assertFalse(after.text().contains("zq81763"), "the raw path is a label");
    assertFalse(after.text().contains("918273645"), "the raw path is a label");
  }

  @Test
  void aMadeUpMethodIsCountedAsOtherNotByItsName() {
    String[] other = {"method", "OTHER"};
    double before = Scrape.of(http).value(REQUESTS, other);
    var answer = http.send("ZQMETHOD", "/tasks", null, null);
    assertTrue(
        answer.status() == 405 || answer.status() == 404 || answer.status() == 400,
        answer::toString);
    var after = Scrape.until(http, s -> s.value(REQUESTS, other) > before);
    assertEquals(before + 1, after.value(REQUESTS, other));
    assertFalse(after.text().contains("ZQMETHOD"), "a method name from the client is a label");
  }

  @Test
  void noKeyPrefixEmailOrRawPathEverBecomesALabel() {
    String email = unique("label-leak") + "@example.com";
    var signedUp = server.signUp(email, "password-of-the-leak");
    String key = signedUp.get("api_key").get("key").asText();
    String prefix = key.substring(3, 15);
    Http user = server.anonymous().withKey(key);
    long id = user.post("/tasks", "{\"title\":\"leak\"}").json().get("id").asLong();
    assertEquals(200, user.get("/tasks/" + id + "?leak=query-zq5511").status());
    assertEquals(200, user.patch("/tasks/" + id, "{\"is_completed\":true}").status());
    String wrongSecret = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertEquals(401, server.anonymous().withKey(wrongSecret).get("/tasks/" + id).status());
    String login = "{\"email\":\"" + email + "\",\"password\":\"not-the-password\"}";
    assertEquals(401, server.anonymous().post("/auth/api-keys", login).status());

    String text = Scrape.until(http, s -> s.text().contains("/tasks/{id}")).text();
    for (String leak :
        List.of(key, prefix, email, "label-leak", "/tasks/" + id, "query-zq5511", "?leak")) {
      assertFalse(text.contains(leak), leak + " is in the scrape");
    }
  }

  @Test
  void unauthorizedRequestsAreCountedByReason() {
    String failures = "taskloop_auth_failures_total";
    var before = Scrape.of(http);
    String unknown = "tl_zzzzzzzzzzzz_" + "A".repeat(43);
    String key =
        server
            .signUp(unique("wrong-secret") + "@example.com", "password-1234")
            .get("api_key")
            .get("key")
            .asText();
    String wrongSecret = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertEquals(401, server.anonymous().get("/tasks").status());
    assertEquals(401, server.anonymous().withKey("not-a-key").get("/tasks").status());
    assertEquals(401, server.anonymous().withKey(unknown).get("/tasks").status());
    assertEquals(401, server.anonymous().withKey(wrongSecret).get("/tasks").status());

    var after = Scrape.until(http, s -> s.value(failures) >= before.value(failures) + 4);
    assertEquals(
        before.value(failures, "reason", "missing") + 2,
        after.value(failures, "reason", "missing"));
    assertEquals(
        before.value(failures, "reason", "unknown") + 1,
        after.value(failures, "reason", "unknown"));
    assertEquals(
        before.value(failures, "reason", "wrong_secret") + 1,
        after.value(failures, "reason", "wrong_secret"));
    String[] unauthorized = {"route", "/tasks", "code", "401"};
    assertEquals(before.value(REQUESTS, unauthorized) + 4, after.value(REQUESTS, unauthorized));
  }

  @Test
  void theKeyCacheCountsHitsAndMisses() {
    Http user = server.newUser(unique("cache") + "@example.com");
    String[] hit = {"cache", "api_keys", "result", "hit"};
    String[] miss = {"cache", "api_keys", "result", "miss"};
    var before = Scrape.of(http);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, user.get("/tasks").status());
    }
    var after = Scrape.of(http);
    assertEquals(before.value("cache_gets_total", miss) + 1, after.value("cache_gets_total", miss));
    assertEquals(before.value("cache_gets_total", hit) + 2, after.value("cache_gets_total", hit));
  }

  @Test
  void anExportCountsTheRowsItWrites() {
    Http user = server.newUser(unique("export") + "@example.com");
    for (int i = 0; i < 3; i++) {
      assertEquals(201, user.post("/tasks", "{\"title\":\"row " + i + "\"}").status());
    }
    String rows = "taskloop_export_rows_total";
    var before = Scrape.of(http);
    assertEquals(200, user.get("/tasks/export").status());
    assertEquals(200, user.withHeader("Accept", "text/csv").get("/tasks/export").status());
    // An export is active until its connection is back, a moment after the client has it all.
    var after =
        Scrape.until(
            http,
            s ->
                s.value(rows) >= before.value(rows) + 6
                    && s.value("taskloop_work_active", "pool", "exports") == 0);
    assertEquals(before.value(rows, "format", "ndjson") + 3, after.value(rows, "format", "ndjson"));
    assertEquals(before.value(rows, "format", "csv") + 3, after.value(rows, "format", "csv"));
    assertEquals(0, after.value("taskloop_work_active", "pool", "exports"), "none is running");
    assertEquals(0, after.value("taskloop_work_queued", "pool", "exports"), "none is waiting");
  }

  @Test
  void inFlightRequestsAndTheirBytesAreMeasured() {
    // The scrape is a request in flight while it is taken.
    assertEquals(1, Scrape.of(http).value("vertx_http_server_active_requests", "method", "GET"));
    String body = "{\"title\":\"bytes\",\"description\":\"" + "b".repeat(200) + "\"}";
    String[] created = {"method", "POST", "route", "/tasks", "code", "201"};
    String in = "vertx_http_server_request_bytes_sum";
    String out = "vertx_http_server_response_bytes_sum";
    var before = Scrape.of(http);
    var response = http.post("/tasks", body);
    assertEquals(201, response.status());
    var after = Scrape.until(http, s -> s.value(out, created) > before.value(out, created));
    assertEquals(
        before.value(in, "method", "POST") + body.length(), after.value(in, "method", "POST"));
    assertEquals(before.value(out, created) + response.body().length(), after.value(out, created));
  }

  @Test
  void buildInfoNamesTheVersionAndTheDatabase() {
    var info = Scrape.of(http).samples("taskloop_build_info");
    assertEquals(1, info.size(), info::toString);
    assertEquals(1, info.getFirst().value());
    assertEquals(
        database == TestDatabase.SQLITE ? "sqlite" : "postgresql",
        info.getFirst().labels().get("database"));
    assertFalse(info.getFirst().labels().get("version").isEmpty());
  }

  @Test
  void jvmAndProcessMetersAreThere() {
    System.gc(); // the same JVM: the GC pause timer exists once a collection happened
    var scrape = Scrape.until(http, s -> !s.samples("jvm_gc_pause_seconds_count").isEmpty());
    assertTrue(scrape.value("jvm_memory_used_bytes", "area", "heap") > 0);
    assertTrue(scrape.value("jvm_gc_pause_seconds_count") > 0);
    assertTrue(scrape.value("jvm_threads_live_threads") > 0);
    assertTrue(scrape.value("jvm_classes_loaded_classes") > 0);
    assertTrue(scrape.value("process_files_open_files") > 0);
    assertTrue(scrape.value("process_files_max_files") > 0);
    assertTrue(scrape.value("process_uptime_seconds") > 0);
    assertFalse(scrape.samples("process_cpu_usage").isEmpty());
  }
}
