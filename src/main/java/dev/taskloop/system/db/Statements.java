package dev.taskloop.system.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link Database} runs one statement with {@code #{name}} parameters: a Vert.x client
 * through SqlTemplate ({@link #on}; PostgreSQL, and a transaction's connection), or one of {@link
 * SqliteEngine}'s queues.
 */
@FunctionalInterface
interface Statements {
  Future<RowSet<Row>> run(String sql, Map<String, Object> params);

  /** Through SqlTemplate on {@code client}, each text's template made once and kept. */
  static Statements on(SqlClient client) {
    Map<String, SqlTemplate<Map<String, Object>, RowSet<Row>>> templates =
        new ConcurrentHashMap<>();
    return (sql, params) -> {
      var template = templates.get(sql);
      if (template == null) {
        template = templates.computeIfAbsent(sql, text -> SqlTemplate.forQuery(client, text));
      }
      return template.execute(params);
    };
  }
}
