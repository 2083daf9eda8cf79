package dev.taskloop.tasks;

import dev.taskloop.auth.Authenticator;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.Conditional;
import dev.taskloop.system.http.ProblemType;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import dev.taskloop.system.idempotency.Idempotency;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/**
 * HTTP in and out for tasks: parse and validate (one {@link Validation} per request, so a 422 lists
 * path, query and body failures together), call the repository, respond.
 */
final class TaskRoutes {
  private static final String TASK = "Task";

  private final TaskRepository tasks;
  private final ExportMeters exports;
  private final Idempotency idempotency;

  TaskRoutes(TaskRepository tasks, ExportMeters exports, Idempotency idempotency) {
    this.tasks = tasks;
    this.exports = exports;
    this.idempotency = idempotency;
  }

  public void mount(Routes routes) {
    routes.post("/tasks", this::create);
    routes.get("/tasks", this::list);
    routes.get("/tasks/export", this::export); // before /tasks/{id}, which would take "export"
    routes.get("/tasks/{id}", this::get);
    routes.patch("/tasks/{id}", this::update);
    routes.delete("/tasks/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    var validation = new Validation();
    NewTask task = NewTask.from(Requests.jsonObject(ctx, validation), validation);
    idempotency.create(
        ctx,
        validation,
        owner(ctx),
        scope ->
            tasks
                .create(scope, owner(ctx), task)
                .map(created -> new Idempotency.Created("/tasks/" + created.id(), created)));
  }

  private void list(RoutingContext ctx) {
    var validation = new Validation();
    TaskQuery query = TaskQuery.from(ctx, validation);
    validation.check();
    Responses.reply(
        ctx,
        tasks.list(owner(ctx), query.page().request(), query.completed()),
        (c, slice) ->
            Responses.ok(c, query.page().rows(c, slice, Task::id, "completed", query.completed())));
  }

  /**
   * All the caller's tasks, streamed as a download: the format {@code ?format=csv|ndjson} names,
   * else the one {@code Accept} prefers (NDJSON by default; 406 when it takes neither).
   */
  private void export(RoutingContext ctx) {
    var format = exportFormat(ctx);
    var export = exports.begin();
    var counted = exports.rows(format);
    tasks
        .export(
            owner(ctx),
            rows ->
                export.streaming(
                    TaskExport.pipe(ctx.vertx(), rows, ctx.response(), format, counted)))
        .onComplete(export::ended)
        .onFailure(ctx::fail);
  }

  private static TaskExport.Format exportFormat(RoutingContext ctx) {
    List<String> named = ctx.queryParam("format");
    if (!named.isEmpty()) {
      var validation = new Validation();
      var format = TaskExport.Format.named(named.getFirst());
      if (format.isEmpty()) {
        validation.fail("format", "must be csv or ndjson");
      }
      validation.check();
      return format.get();
    }
    return TaskExport.Format.of(ctx.request().getHeader(HttpHeaders.ACCEPT))
        .orElseThrow(
            () ->
                new ApiException(
                    ProblemType.NOT_ACCEPTABLE,
                    "The export is available as application/x-ndjson or text/csv"
                        + " (or name one with ?format=csv or ?format=ndjson)."));
  }

  private void get(RoutingContext ctx) {
    long id = Requests.id(ctx);
    Responses.okIfFound(ctx, tasks.find(owner(ctx), id), TASK, id);
  }

  private void update(RoutingContext ctx) {
    var validation = new Validation();
    Long id = Requests.id(ctx, "id", validation);
    TaskPatch patch = patchOf(ctx, validation);
    validation.check();
    var expected = Conditional.ifMatch(ctx);
    Responses.okIfFound(ctx, tasks.update(owner(ctx), id, patch, expected), TASK, id);
  }

  private void delete(RoutingContext ctx) {
    long id = Requests.id(ctx);
    var expected = Conditional.ifMatch(ctx);
    Responses.noContentIfFound(ctx, tasks.delete(owner(ctx), id, expected), TASK, id);
  }

  /**
   * Every task query is scoped to the caller: another user's task is as absent as a missing one.
   */
  private static UUID owner(RoutingContext ctx) {
    return Authenticator.principal(ctx).userId();
  }

  /** A JSON merge-patch body, or the original API's {@code ?completed=} with no body (not both). */
  private static TaskPatch patchOf(RoutingContext ctx, Validation validation) {
    int before = validation.size();
    Boolean completed = Requests.boolQuery(ctx, "completed", validation);
    if (validation.size() > before) {
      return null;
    }
    if (completed == null) {
      return TaskPatch.from(Requests.jsonObject(ctx, validation), validation);
    }
    if (Requests.hasBody(ctx)) {
      validation.fail("completed", "send either ?completed or a JSON body, not both");
      return null;
    }
    return TaskPatch.completion(completed);
  }
}
