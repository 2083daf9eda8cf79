package dev.taskloop.system.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement text with {@code #{name}} parameters (as SqlTemplate writes them) turned into JDBC's
 * {@code ?} and the names in their order: parsed once per text, then cached (the service has a few
 * dozen texts).
 */
record NamedSql(String jdbc, List<String> names) {
  private static final Pattern PARAMETER = Pattern.compile("#\\{(\\w+)}");
  private static final Map<String, NamedSql> PARSED = new ConcurrentHashMap<>();

  static NamedSql of(String sql) {
    NamedSql known = PARSED.get(sql);
    return known != null ? known : PARSED.computeIfAbsent(sql, NamedSql::parse);
  }

  private static NamedSql parse(String sql) {
    var names = new ArrayList<String>();
    Matcher m = PARAMETER.matcher(sql);
    var jdbc = new StringBuilder();
    while (m.find()) {
      names.add(m.group(1));
      m.appendReplacement(jdbc, "?");
    }
    m.appendTail(jdbc);
    return new NamedSql(jdbc.toString(), List.copyOf(names));
  }

  /**
   * The values in parameter order; a name missing from {@code params} is NULL, as in SqlTemplate.
   */
  List<Object> values(Map<String, Object> params) {
    var values = new ArrayList<Object>(names.size());
    for (String name : names) {
      values.add(params.get(name));
    }
    return values;
  }
}
