package dev.taskloop.tasks;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.idempotency.Idempotency;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The tasks feature, wired: its repository and its endpoints (with the exports' meters). */
public final class TaskFeature {
  private final TaskRepository tasks;
  private final TaskRoutes routes;

  public TaskFeature(Database database, MeterRegistry registry, Idempotency idempotency) {
    this.tasks = new TaskRepository(database);
    this.routes = new TaskRoutes(tasks, new ExportMeters(registry), idempotency);
  }

  public void mount(Routes routes) {
    this.routes.mount(routes);
  }

  /**
   * Gives tasks without an owner (rows from before accounts existed) to {@code owner}, the admin;
   * how many.
   */
  public Future<Integer> adoptOrphans(UUID owner) {
    return tasks.adoptOrphans(owner);
  }

  /** A list of tasks as the wire carries them: startup serializes it to warm the JSON mapper. */
  public static Object wireSample() {
    return List.of(new Task(1, "warm-up", null, false, Instant.EPOCH, Instant.EPOCH, 1));
  }
}
