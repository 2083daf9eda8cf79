package dev.taskloop;

import ch.qos.logback.classic.Level;
import dev.taskloop.system.config.AppConfig;
import io.vertx.core.VertxOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Entry point: {@code java -jar taskloop.jar}. Exit codes: 0 after a graceful stop (SIGTERM or
 * SIGINT), 1 when startup fails, 2 for a configuration error.
 */
final class Main {
  private Main() {}

  public static void main(String[] args) {
    AppConfig config = configOrExit();
    var root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(config.logLevel()));
    stopOnSignals(startOrExit(config));
  }

  /** The configuration from the environment; a bad value exits with 2 and one line. */
  private static AppConfig configOrExit() {
    try {
      return AppConfig.fromEnv(System.getenv());
    } catch (AppConfig.Invalid e) {
      System.err.println("taskloop: configuration error: " + e.getMessage());
      System.exit(2);
      throw new IllegalStateException("unreachable: exited", e);
    }
  }

  /** The started service; a failed start exits with 1. */
  private static Taskloop startOrExit(AppConfig config) {
    Logger log = LoggerFactory.getLogger(Main.class);
    try {
      return Taskloop.start(config, new VertxOptions());
    } catch (Taskloop.StartupException e) {
      log.error("taskloop failed to start: {}", e.getMessage());
      log.debug("startup failure", e);
    } catch (Throwable e) { // a bug: still exit rather than hang on Vert.x's non-daemon threads
      log.error("taskloop failed to start", e);
    }
    System.exit(1);
    throw new IllegalStateException("unreachable: exited");
  }

  /**
   * Handles the signals here (rather than in a shutdown hook) so that a graceful stop exits with 0.
   * A second signal while draining means "now": exit at once.
   */
  private static void stopOnSignals(Taskloop app) {
    var stopping = new AtomicBoolean();
    Runnable stop =
        () -> {
          try {
            app.shutdown();
          } finally {
            System.exit(0);
          }
        };
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            if (stopping.compareAndSet(false, true)) {
              Thread.ofPlatform().name("shutdown").daemon(false).start(stop);
            } else {
              Runtime.getRuntime().halt(128 + signal.getNumber());
            }
          });
    }
  }
}
