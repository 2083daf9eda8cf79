package dev.taskloop.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (W3C WebDriver): no browser or
 * driver is downloaded (both paths are given, so Selenium Manager never runs). Without them the
 * test is skipped, or fails under {@code CI} ({@link ExternalTools}).
 *
 * <p>The browser resolves exactly one host name, {@link #HOST}, to 127.0.0.1 and no other: a page
 * that tries to reach anything else fails to, and {@link #requestedUrls()} shows that it tried. The
 * page is not on "localhost" or "127.0.0.1" either, so nothing that a script skips for those (as
 * Swagger UI's online validator badge) is skipped.
 */
public final class Browser implements AutoCloseable {
  /** The name under which the browser reaches the test server. */
  public static final String HOST = "taskloop.test";

  /** The longest wait for anything on a page. */
  public static final Duration WAIT = Duration.ofSeconds(20);

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a headless Chromium with a fresh profile; skips (or under CI fails) without one. */
  public static Browser start(String why) {
    List<Path> tools = ExternalTools.require(why, "chromium", "chromedriver");
    Path profile = temporaryProfile();
    var options = new ChromeOptions();
    options.setBinary(tools.get(0).toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // tests run as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        // Chromium's own traffic (updates, sync, QUIC probes) is refused on a closed network and
        // slows start-up; none of it belongs in a test.
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP " + HOST + " 127.0.0.1, MAP * ~NOTFOUND",
        "--window-size=1280,2000",
        "--user-data-dir=" + profile);
    // Every request the page makes (Network.* events) and the console, read back by the test.
    options.setCapability(
        "goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL", LogType.BROWSER, "ALL"));
    var service = new ChromeDriverService.Builder().usingDriverExecutable(tools.get(1).toFile());
    try {
      return new Browser(new ChromeDriver(service.build(), options), profile);
    } catch (RuntimeException e) {
      delete(profile);
      throw e;
    }
  }

  /** The WebDriver, for navigation and finding elements. */
  public ChromeDriver driver() {
    return driver;
  }

  /** A wait of at most {@link #WAIT}, polling the page (never a fixed sleep). */
  public WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT);
  }

  /** {@code http://taskloop.test:<port>} for a server on 127.0.0.1. */
  public static String base(int port) {
    return "http://" + HOST + ":" + port;
  }

  /** The URL of every request the page sent since the last call (the log is drained). */
  public List<String> requestedUrls() {
    return driver.manage().logs().get(LogType.PERFORMANCE).getAll().stream()
        .map(entry -> parse(entry.getMessage()).path("message"))
        .filter(message -> "Network.requestWillBeSent".equals(message.path("method").asText()))
        .map(message -> message.path("params").path("request").path("url").asText())
        .toList();
  }

  /** Console messages at level SEVERE (script errors, failed loads) since the last call. */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      delete(profile);
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path temporaryProfile() {
    try {
      return Files.createTempDirectory("taskloop-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
