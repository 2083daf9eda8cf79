package dev.taskloop.tasks;

import dev.taskloop.system.db.Database;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.FieldError;
import dev.taskloop.system.http.Requests;
import dev.taskloop.system.http.Responses;
import dev.taskloop.system.http.Routes;
import dev.taskloop.system.http.Validation;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** HTTP in and out for tasks: parse and validate, call the repository, respond. */
public final class TaskRoutes {
  private static final String TASK = "Task";

  private final TaskRepository tasks;

  public TaskRoutes(Database db) {
    this.tasks = new TaskRepository(db);
  }

  public void mount(Routes routes) {
    routes.post("/tasks", this::create);
    routes.get("/tasks", this::list);
    routes.get("/tasks/{id}", this::get);
    routes.patch("/tasks/{id}", this::update);
    routes.delete("/tasks/{id}", this::delete);
  }

  private void create(RoutingContext ctx) {
    NewTask task = NewTask.from(Requests.jsonObject(ctx));
    Responses.reply(ctx, tasks.create(task), (c, created) -> Responses.created(c, "/tasks/" + created.id(), created));
  }

  private void list(RoutingContext ctx) {
    TaskQuery query = TaskQuery.from(ctx);
    Responses.reply(ctx, tasks.list(query), Responses::ok);
  }

  private void get(RoutingContext ctx) {
    long id = Requests.id(ctx, "id");
    Responses.reply(ctx, tasks.find(id).map(task -> Responses.found(task, TASK, id)), Responses::ok);
  }

  private void update(RoutingContext ctx) {
    long id = Requests.id(ctx, "id");
    TaskPatch patch = patchOf(ctx);
    Responses.reply(ctx, tasks.update(id, patch).map(task -> Responses.found(task, TASK, id)), Responses::ok);
  }

  private void delete(RoutingContext ctx) {
    long id = Requests.id(ctx, "id");
    Responses.reply(ctx, tasks.delete(id), (c, deleted) -> {
      if (!deleted) {
        throw ApiException.notFound(TASK, id);
      }
      Responses.noContent(c);
    });
  }

  /** A JSON merge-patch body, or the original API's {@code ?completed=} with no body (not both). */
  private static TaskPatch patchOf(RoutingContext ctx) {
    var validation = new Validation();
    Boolean completed = Requests.boolQuery(ctx, "completed", validation);
    validation.check();
    if (completed == null) {
      return TaskPatch.from(Requests.jsonObject(ctx));
    }
    if (Requests.hasBody(ctx)) {
      throw ApiException.validation(
          List.of(new FieldError("completed", "send either ?completed or a JSON body, not both")));
    }
    return TaskPatch.completion(completed);
  }
}
