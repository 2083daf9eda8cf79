package dev.taskloop.system.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskloop.support.SharedServer;
import dev.taskloop.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rows written by another tool (the sqlite3 shell, psql, a migration script) are read like the
 * service's own: every timestamp form the column can hold.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ForeignRowsIT extends SharedServer {
  @Test
  void timestampsInAnyIsoFormAreRead() {
    String[][] forms = {
      {"2026-01-02T03:04:05.001Z", "2026-01-02T03:04:05.001Z"},
      {"2026-01-02 03:04:05", "2026-01-02T03:04:05Z"},
      {"2026-01-02T05:04:05+02:00", "2026-01-02T03:04:05Z"},
    };
    for (String[] form : forms) {
      long id = http.post("/tasks", "{\"title\":\"foreign\"}").json().get("id").asLong();
      server.sql(
          "UPDATE tasks SET created_at = '"
              + form[0]
              + "', updated_at = '"
              + form[0]
              + "'"
              + " WHERE id = "
              + id);

      var one = http.get("/tasks/" + id);
      assertEquals(200, one.status(), form[0] + ": " + one);
      assertEquals(form[1], one.json().get("created_at").asText(), form[0]);
      assertEquals(200, http.get("/tasks?after=" + (id - 1) + "&limit=1").status());
      var export = http.get("/tasks/export");
      assertEquals(200, export.status());
      assertTrue(export.body().contains("\"id\":" + id + ","), export.body());
      assertEquals(200, http.get("/reports/summary").status(), form[0]);
    }
  }
}
