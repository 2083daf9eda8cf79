package dev.taskloop.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskloop.system.http.ApiException;
import dev.taskloop.system.http.ApiException.FieldError;
import dev.taskloop.system.http.Validation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The validation rules of task input, without a server. */
class TaskInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode body(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> failures(Validation validation) {
    var e = assertThrows(ApiException.class, validation::check);
    return e.errors().stream().map(FieldError::field).toList();
  }

  @Test
  void newTaskTrimsTitleAndIgnoresUnknownFields() {
    var validation = new Validation();
    var task =
        NewTask.from(body("{\"title\":\"  a  \",\"description\":null,\"extra\":1}"), validation);
    validation.check();
    assertEquals(new NewTask("a", null), task);
  }

  @Test
  void titleLengthIsCountedInCharactersAfterTrimming() {
    var validation = new Validation();
    String rockets = "\uD83D\uDE80".repeat(50);
    assertEquals(
        rockets, NewTask.from(body("{\"title\":\" " + rockets + " \"}"), validation).title());
    assertNull(NewTask.from(body("{\"title\":\"" + rockets + "x\"}"), validation));
    assertEquals(List.of("title"), failures(validation));
  }

  @Test
  void newTaskCollectsEveryFailure() {
    var validation = new Validation();
    assertNull(
        NewTask.from(
            body("{\"title\":\"\",\"description\":" + "\"" + "d".repeat(256) + "\"}"), validation));
    assertEquals(List.of("title", "description"), failures(validation));
  }

  @Test
  void patchDistinguishesAbsentFromNull() {
    var validation = new Validation();
    assertEquals(
        new TaskPatch(null, true, null, null),
        TaskPatch.from(body("{\"description\":null}"), validation));
    assertEquals(new TaskPatch(null, false, null, null), TaskPatch.from(body("{}"), validation));
    assertTrue(TaskPatch.from(body("{}"), validation).isEmpty());
    assertEquals(
        new TaskPatch("t", false, null, true),
        TaskPatch.from(body("{\"title\":\"t\",\"is_completed\":true}"), validation));
    validation.check();
  }

  @Test
  void patchRefusesNullTitleAndNonBooleanCompletion() {
    var validation = new Validation();
    assertNull(TaskPatch.from(body("{\"title\":null,\"is_completed\":\"true\"}"), validation));
    assertNull(TaskPatch.from(body("{\"is_completed\":null}"), validation));
    assertEquals(List.of("title", "is_completed", "is_completed"), failures(validation));
  }

  @Test
  void missingBodyWasAlreadyReported() {
    var validation = new Validation();
    assertNull(NewTask.from(null, validation));
    assertNull(TaskPatch.from(null, validation));
    validation.check(); // nothing added: Requests.jsonObject reported the missing body
  }
}
