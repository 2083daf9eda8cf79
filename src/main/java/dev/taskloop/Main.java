package dev.taskloop;

import ch.qos.logback.classic.Level;
import dev.taskloop.system.config.AppConfig;
import dev.taskloop.system.config.DotEnv;
import dev.taskloop.system.observe.LogSetup;
import dev.taskloop.system.startup.TrainingRun;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Entry point: {@code java -jar taskloop.jar}. Exit codes: 0 after a graceful stop (SIGTERM or
 * SIGINT), 1 when startup fails, 2 for a configuration error, 143 (SIGTERM) or 130 (SIGINT) for a
 * second signal while stopping, which exits at once. {@code java -jar taskloop.jar train} is the
 * AOT cache's training run instead ({@link TrainingRun}): 0 when it passed, else 1.
 */
final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("train")) {
      train();
    }
    var phases = StartupPhases.begin();
    DotEnv env = envOrExit();
    AppConfig config = configOrExit(env);
    logLevel(config);
    if (!env.fromFile().isEmpty()) {
      LoggerFactory.getLogger(Main.class)
          .info("configuration: {} set {}", DotEnv.FILE, String.join(", ", env.fromFile()));
    }
    phases.mark("config");
    stopOnSignals(startOrExit(config, phases));
  }

  private static void logLevel(AppConfig config) {
    var root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(config.logLevel()));
  }

  /** The training run: the service on a throw-away database, real requests, a graceful stop. */
  private static void train() {
    try {
      TrainingRun.run(
          config -> {
            logLevel(config);
            var app = Taskloop.start(config, new VertxOptions());
            return new TrainingRun.Service(app.port(), app::shutdown);
          });
    } catch (Throwable e) {
      LoggerFactory.getLogger(Main.class).error("training run failed", e);
      System.exit(1);
    }
    System.exit(0);
  }

  /** The process's environment over {@code ./.env}; a file that does not parse exits with 2. */
  private static DotEnv envOrExit() {
    try {
      return DotEnv.load(System.getenv(), Path.of(""));
    } catch (AppConfig.Invalid e) {
      return exitForConfiguration(e);
    }
  }

  /** The configuration from the environment; a bad value exits with 2 and one line. */
  private static AppConfig configOrExit(DotEnv env) {
    try {
      return AppConfig.fromEnv(env.env());
    } catch (AppConfig.Invalid e) {
      return exitForConfiguration(e);
    }
  }

  private static <T> T exitForConfiguration(AppConfig.Invalid e) {
    System.err.println("taskloop: configuration error: " + e.getMessage());
    System.exit(2);
    throw new IllegalStateException("unreachable: exited", e);
  }

  /** The started service; a failed start exits with 1. */
  private static Taskloop startOrExit(AppConfig config, StartupPhases phases) {
    Logger log = LoggerFactory.getLogger(Main.class);
    try {
      return Taskloop.start(config, new VertxOptions(), phases);
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
              int code = 128 + signal.getNumber();
              LoggerFactory.getLogger(Main.class)
                  .warn(
                      "second SIG{} while stopping: exiting now with {}, without waiting for the"
                          + " requests in flight",
                      name,
                      code);
              LogSetup.flush(1_000);
              Runtime.getRuntime().halt(code);
            }
          });
    }
  }
}
