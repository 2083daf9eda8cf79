package dev.taskloop.system.openapi;

import static dev.taskloop.system.openapi.ApiDocument.types;

import dev.taskloop.system.openapi.ApiDocument.Body;
import dev.taskloop.system.openapi.ApiDocument.Operation;
import dev.taskloop.system.openapi.ApiDocument.Parameter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The request rules the API document states, read from it keyword by keyword, each turned into
 * cases: a request that breaks exactly that rule (a 422 whose {@code errors} name exactly that
 * field), and a request exactly at each length or range boundary, at each {@code enum} value and
 * {@code examples} value (a 2xx). A keyword the walk does not know fails it, so that a rule added
 * to the document cannot go unchecked.
 */
final class RequestRules {
  /** Where a rule's value goes. */
  enum In {
    PATH,
    QUERY,
    BODY
  }

  /**
   * One case: the operation's valid baseline with one change. {@code pass}: 2xx expected; else a
   * 422 naming exactly {@code field}. {@code judged}: the document's validator can tell whether the
   * changed request is valid (it treats int32 and int64 as annotations; the walk does not).
   */
  record Case(
      Operation op,
      In in,
      String field,
      String rule,
      Consumer<RuleRequest> change,
      boolean pass,
      boolean judged) {
    @Override
    public String toString() {
      return op.name() + " " + field + ": " + rule + (pass ? " passes" : " is refused");
    }
  }

  /**
   * The rules no request can break with a 422, each with why; the walk skips exactly these and
   * nothing else.
   */
  static final Map<String, String> UNBREAKABLE =
      Map.of(
          "path required", "without the parameter the path is another route (404 or 405)",
          "path type string", "a path segment is text whatever it holds",
          "query type string", "a query value is text whatever it holds");

  /** Keywords that state no rule of a value. */
  private static final Set<String> ANNOTATIONS = Set.of("description", "default", "title");

  /** Strings that match no sane pattern; the first one the pattern refuses breaks it. */
  private static final List<String> NOT_MATCHING =
      List.of("x", "-1", "1.234", "12345678901", "1e3", "1,5", " 1", "");

  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private final ApiDocument document;
  private final RuleValues values;

  RequestRules(ApiDocument document, RuleValues values) {
    this.document = document;
    this.values = values;
  }

  /** Every case of one operation, in the document's order. */
  List<Case> of(Operation op) {
    var cases = new Cases(op);
    for (Parameter p : op.parameters()) {
      if (p.in().equals("header")) { // conditional and idempotent requests: their own tests
        continue; // (ConditionalRequestsIT, IdempotencyIT) send those headers
      }
      In in = p.in().equals("path") ? In.PATH : In.QUERY;
      if (p.required() && in == In.QUERY) {
        cases.refused(in, p.name(), "required", r -> r.query.remove(p.name()));
      }
      field(cases, in, p.name(), p.schema());
    }
    op.body().ifPresent(body -> body(cases, body));
    return cases.list;
  }

  /** The cases of one operation under construction. */
  private record Cases(Operation op, List<Case> list) {
    Cases(Operation op) {
      this(op, new ArrayList<>());
    }

    void refused(In in, String field, String rule, Consumer<RuleRequest> change) {
      list.add(new Case(op, in, field, rule, change, false, true));
    }

    /** A value of the field: refused, or at a boundary and passing. */
    void value(In in, String field, String rule, Object value, boolean pass, boolean judged) {
      Consumer<RuleRequest> change =
          switch (in) {
            case PATH -> r -> r.path.put(field, String.valueOf(value));
            case QUERY -> r -> r.query.put(field, String.valueOf(value));
            case BODY -> r -> r.body.put(field, value);
          };
      list.add(new Case(op, in, field, rule, change, pass, judged));
    }
  }

  private void body(Cases cases, Body body) {
    JsonObject schema = document.resolve(body.schema());
    if (body.required()) {
      cases.refused(
          In.BODY,
          "body",
          "required",
          r -> {
            r.body = null;
            r.rawBody = null;
          });
    }
    for (String keyword : schema.fieldNames()) {
      switch (keyword) {
        case "type" -> {
          if (!types(schema).equals(List.of("object"))) {
            unknown(cases.op(), "body", "type " + types(schema));
          }
          cases.refused(In.BODY, "body", "type object", r -> r.rawBody = "[]");
        }
        case "required" -> {
          for (Object name : schema.getJsonArray("required")) {
            cases.refused(In.BODY, (String) name, "required", r -> r.body.remove((String) name));
          }
        }
        case "dependentRequired" -> {
          JsonObject dependent = schema.getJsonObject(keyword);
          for (String name : dependent.fieldNames()) {
            for (Object needed : dependent.getJsonArray(name)) {
              String rule = "required with " + name;
              cases.refused(In.BODY, (String) needed, rule, r -> r.body.remove((String) needed));
            }
          }
        }
        case "properties" -> {
          JsonObject properties = schema.getJsonObject(keyword);
          for (String name : properties.fieldNames()) {
            field(cases, In.BODY, name, document.resolve(properties.getJsonObject(name)));
          }
        }
        case "additionalProperties" -> {
          if (Boolean.FALSE.equals(schema.getValue(keyword))) {
            cases.value(In.BODY, "x_unknown", "additionalProperties false", 1, false, true);
          }
        }
        default -> {
          if (!ANNOTATIONS.contains(keyword)) {
            unknown(cases.op(), "body", keyword);
          }
        }
      }
    }
  }

  /** The cases of every keyword of one parameter or body field. */
  private void field(Cases cases, In in, String name, JsonObject schema) {
    boolean url = in != In.BODY;
    List<String> types = types(schema);
    for (String keyword : schema.fieldNames()) {
      switch (keyword) {
        case "type" -> {
          if (url && types.contains("string")) {
            unbreakable(in, "type string");
          } else {
            cases.value(in, name, "type " + types, RuleValues.wrongType(types), false, true);
          }
          if (!url) { // null is a JSON type of its own: refused unless listed
            cases.value(
                in, name, "type " + types + " with null", null, types.contains("null"), true);
          }
        }
        case "minLength" -> length(cases, in, name, schema, schema.getInteger(keyword), -1);
        case "maxLength" -> length(cases, in, name, schema, schema.getInteger(keyword), +1);
        case "minimum" -> range(cases, in, name, keyword, schema.getLong(keyword), -1);
        case "maximum" -> range(cases, in, name, keyword, schema.getLong(keyword), +1);
        case "format" -> format(cases, in, name, schema.getString(keyword));
        case "pattern" -> cases.value(in, name, "pattern", notMatching(schema), false, true);
        case "enum" -> {
          JsonArray allowed = schema.getJsonArray(keyword);
          cases.value(in, name, "enum " + allowed, "not-" + allowed.getValue(0), false, true);
          allowed.forEach(value -> cases.value(in, name, "enum " + value, value, true, true));
        }
        case "examples" ->
            RuleValues.examples(schema)
                .forEach(value -> cases.value(in, name, "example " + value, value, true, true));
        default -> {
          if (!ANNOTATIONS.contains(keyword)) {
            unknown(cases.op(), name, keyword);
          }
        }
      }
    }
    if (in == In.PATH) {
      unbreakable(in, "required");
    }
  }

  /** {@code step} -1: the minimum; +1: the maximum. Lengths count code points. */
  private void length(Cases cases, In in, String name, JsonObject schema, int bound, int step) {
    String keyword = step < 0 ? "minLength " : "maxLength ";
    boolean email = schema.getString("format", "").endsWith("email");
    if (bound + step >= 0) {
      int length = bound + step;
      Object text = email ? values.email(length) : values.text(length);
      cases.value(in, name, keyword + bound + " with " + length, text, false, true);
    }
    Object text = email ? values.email(bound) : values.text(bound);
    cases.value(in, name, keyword + bound + " with " + bound, text, true, true);
  }

  /**
   * {@code step} -1: the minimum; +1: the maximum. Also refused: the value 2^64 beyond the bound,
   * which a reading that keeps the low 64 bits would bring back exactly onto it.
   */
  private static void range(Cases cases, In in, String name, String keyword, long bound, int step) {
    String rule = keyword + " " + bound + " with ";
    cases.value(in, name, rule + (bound + step), bound + step, false, true);
    BigInteger wrapped =
        BigInteger.valueOf(bound).add(TWO_TO_64.multiply(BigInteger.valueOf(step)));
    cases.value(in, name, rule + wrapped, wrapped, false, true);
    cases.value(in, name, rule + bound, bound, true, true);
  }

  /** A value outside the format: for int32 and int64 the first integer beyond their range. */
  private static void format(Cases cases, In in, String name, String format) {
    Object beyond =
        switch (format) {
          case "int32" -> (long) Integer.MAX_VALUE + 1;
          case "int64" -> BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);
          case "uuid" -> "not-a-uuid";
          case "email", "idn-email" -> "not-an-email";
          default -> throw new IllegalStateException("the walk cannot break format " + format);
        };
    boolean judged = !format.startsWith("int");
    cases.value(in, name, "format " + format + " with " + beyond, beyond, false, judged);
  }

  /** The first of {@link #NOT_MATCHING} that breaks the pattern and nothing else of the schema. */
  private String notMatching(JsonObject schema) {
    JsonObject withoutPattern = schema.copy();
    withoutPattern.remove("pattern");
    withoutPattern.remove("examples");
    return NOT_MATCHING.stream()
        .filter(text -> document.valid(withoutPattern, text) && !document.valid(schema, text))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("nothing breaks only " + schema.encode()));
  }

  /** Checks that a rule the walk skips is one of {@link #UNBREAKABLE}. */
  private static void unbreakable(In in, String rule) {
    String key = in.name().toLowerCase(Locale.ROOT) + " " + rule;
    if (!UNBREAKABLE.containsKey(key)) {
      throw new IllegalStateException("skipped a rule that is not listed as unbreakable: " + key);
    }
  }

  private static void unknown(Operation op, String field, String keyword) {
    throw new IllegalStateException(
        op.name() + " " + field + ": the walk has no cases for keyword " + keyword);
  }
}
