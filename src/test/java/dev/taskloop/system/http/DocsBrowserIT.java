package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskloop.support.Browser;
import dev.taskloop.support.Http;
import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.opentest4j.TestAbortedException;

/**
 * Swagger UI at {@code /docs} in a real browser (headless Chromium), as a reader of the docs uses
 * it: the page shows this service's operations, Authorize takes an API key, and "Try it out" on
 * {@code POST /tasks} creates a task on the server. One browser for the class, on SQLite and on
 * PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class DocsBrowserIT extends SharedServer {
  /** Swagger UI's id of the {@code createTask} operation under its tag (deep linking is on). */
  private static final By CREATE_TASK = By.id("operations-tasks-createTask");

  /** The response panel's answer row, shown after Execute. */
  private static final By LIVE_RESPONSE = inside(".live-responses-table tbody .response");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Browser browser;
  private static TestAbortedException unavailable;

  private String base;
  private String key;
  private Http asUser;

  /** One browser for both databases; without Chromium every test is skipped (under CI: fails). */
  @BeforeAll
  static void startBrowser() {
    try {
      browser = Browser.start("the browser test of /docs");
    } catch (TestAbortedException e) {
      unavailable = e;
    }
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  /** A fresh user (so "their tasks" start empty), and the page loaded anew: no key kept. */
  @BeforeEach
  void openDocs() {
    if (unavailable != null) {
      throw unavailable;
    }
    var signedUp = server.signUp("docs-" + UUID.randomUUID() + "@example.com", "browser-pass-1");
    key = signedUp.get("api_key").get("key").asText();
    asUser = server.anonymous().withKey(key);
    base = Browser.base(server.app().port());
    browser.requestedUrls(); // forget the previous test's requests and console
    browser.consoleErrors();
    browser.driver().get(base + "/docs");
    browser.waiting().until(visibilityOfElementLocated(CREATE_TASK));
  }

  @Test
  void showsEveryOperationOfTheServedDocumentAndLoadsNothingFromElsewhere() {
    JsonNode document = http.get("/openapi.json").json();
    var page = browser.driver();

    assertTrue(
        page.findElement(By.cssSelector(".info h1.title"))
            .getText()
            .startsWith(document.get("info").get("title").asText()),
        "the title of our document, not the demo's");
    Set<String> shown = new HashSet<>();
    for (WebElement summary : page.findElements(By.cssSelector(".opblock-summary"))) {
      shown.add(
          summary.findElement(By.cssSelector(".opblock-summary-method")).getText()
              + " "
              + summary
                  .findElement(By.cssSelector(".opblock-summary-path"))
                  .getDomAttribute("data-path"));
    }
    assertTrue(shown.contains("POST /tasks"), shown::toString);
    assertEquals(operations(document), shown);

    List<String> requests = browser.requestedUrls();
    assertTrue(requests.contains(base + "/openapi.json"), requests::toString);
    assertTrue(requests.contains(base + "/docs/swagger-ui-bundle.js"), requests::toString);
    // data: URLs (the stylesheet's icons) are no requests; anything else must be this server.
    assertEquals(
        List.of(),
        requests.stream()
            .filter(url -> !url.startsWith("data:") && !url.startsWith(base + "/"))
            .toList());
    assertEquals(List.of(), browser.consoleErrors());
  }

  @Test
  void tryItOutIs401WithoutAKeyAnd201OnceTheKeyIsAuthorizedAsBearer() {
    String title = uniqueTitle();
    tryItOut("{\"title\":\"" + title + "\"}");
    var refused = execute();
    assertEquals("401", refused.status(), refused.body()::toString);
    assertEquals(401, refused.body().get("status").asInt(), refused.body()::toString);
    assertEquals(0, taskCount(title), "nothing written");

    authorize(By.id("auth-bearer-value"));
    clearResponse();
    assertCreated(title, execute());
  }

  @Test
  void tryItOutCreatesATaskWithTheKeyAuthorizedAsXApiKey() {
    authorize(By.id("api_key_value"));
    String title = uniqueTitle();
    tryItOut("{\"title\":\"" + title + "\"}");
    assertCreated(title, execute());
  }

  /** Fills the key into one scheme's form of the Authorize dialog, applies it, closes it. */
  private void authorize(By input) {
    var wait = browser.waiting();
    wait.until(elementToBeClickable(By.cssSelector(".auth-wrapper > button.authorize"))).click();
    wait.until(visibilityOfElementLocated(input)).sendKeys(key);
    var form = browser.driver().findElement(input).findElement(By.xpath("./ancestor::form"));
    form.findElement(By.cssSelector("button[type=submit]")).click();
    // Accepted: the dialog shows the scheme as "Authorized", its field replaced by a Logout button.
    wait.until(invisibilityOfElementLocated(input));
    assertTrue(form.getText().contains("Authorized"), form::getText);
    browser.driver().findElement(By.cssSelector(".modal-ux button.btn-done")).click();
    wait.until(invisibilityOfElementLocated(By.cssSelector(".modal-ux")));
    assertTrue(
        browser
            .driver()
            .findElement(By.cssSelector(".auth-wrapper > button.authorize"))
            .getDomAttribute("class")
            .contains("locked"),
        "the page's Authorize button shows a closed lock");
  }

  /** Short: every key typed re-renders the operation (about 0.1 s a key on 2 busy cores). */
  private static String uniqueTitle() {
    return "docs " + UUID.randomUUID().toString().substring(0, 6);
  }

  /** The panel shows a 201 with the new task, and the server has it, as the key's user. */
  private void assertCreated(String title, Shown response) {
    assertEquals("201", response.status(), response.body()::toString);
    long id = response.body().get("id").asLong();
    assertEquals(title, response.body().get("title").asText());
    assertTrue(response.headers().contains("location: /tasks/" + id), response.headers());
    // Not a made-up answer rendered by the page: the server has the task, for this user only.
    var stored = asUser.get("/tasks/" + id);
    assertEquals(200, stored.status(), stored::toString);
    assertEquals(title, stored.json().get("title").asText());
    assertEquals(List.of(id), asUser.get("/tasks").ids(), "the user's only task");
    assertEquals(1, taskCount(title));
  }

  /** What the response panel shows after Execute: status, body, headers. */
  private record Shown(String status, JsonNode body, String headers) {}

  /** Opens {@code POST /tasks}, presses "Try it out" and types {@code json} over the example. */
  private void tryItOut(String json) {
    var wait = browser.waiting();
    browser
        .driver()
        .findElement(CREATE_TASK)
        .findElement(By.cssSelector(".opblock-summary-control"))
        .click();
    wait.until(elementToBeClickable(inside("button.try-out__btn"))).click();
    var body = wait.until(visibilityOfElementLocated(inside("textarea.body-param__text")));
    body.sendKeys(Keys.chord(Keys.CONTROL, "a"), json);
    assertEquals(json, body.getDomProperty("value"), "the body as typed");
  }

  /** Presses Execute; what the response panel then shows. */
  private Shown execute() {
    var wait = browser.waiting();
    wait.until(elementToBeClickable(inside("button.execute"))).click();
    var row = wait.until(visibilityOfElementLocated(LIVE_RESPONSE));
    return new Shown(
        row.findElement(By.cssSelector(".response-col_status")).getText().trim(),
        parse(row.findElement(By.cssSelector(".highlight-code pre")).getText()),
        row.findElement(By.xpath(".//h5[text()='Response headers']/following-sibling::pre"))
            .getText());
  }

  /** Presses Clear: the previous response leaves the panel (the body typed stays). */
  private void clearResponse() {
    browser.driver().findElement(inside("button.btn-clear")).click();
    browser.waiting().until(invisibilityOfElementLocated(LIVE_RESPONSE));
  }

  /** Something inside the {@code POST /tasks} operation's block. */
  private static By inside(String css) {
    return By.cssSelector("#operations-tasks-createTask " + css);
  }

  /** Tasks with this title in the database, whoever owns them. */
  private long taskCount(String title) {
    return server
        .app()
        .database()
        .read("SELECT count(*) AS n FROM tasks WHERE title = #{title}", Map.of("title", title))
        .await()
        .iterator()
        .next()
        .getLong("n");
  }

  /** Every "METHOD /path" of the document, as Swagger UI labels its operations. */
  private static Set<String> operations(JsonNode document) {
    Set<String> operations = new HashSet<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          if (op.getValue().has("responses")) {
                            operations.add(
                                op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                          }
                        }));
    return operations;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("the response panel shows no JSON: " + json, e);
    }
  }
}
