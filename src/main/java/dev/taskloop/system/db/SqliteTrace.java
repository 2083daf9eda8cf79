package dev.taskloop.system.db;

import io.vertx.core.AsyncResult;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;

/**
 * The client span of a statement {@link SqliteEngine} runs, as vertx-sql-client reports its own
 * ({@code Query}, with {@code db.system.name} and {@code db.query.text}), the child of the
 * request's span; nothing at all when Vert.x has no tracer (tracing off).
 */
final class SqliteTrace {
  private static final TagExtractor<String> TAGS =
      new TagExtractor<>() {
        @Override
        public int len(String sql) {
          return 2;
        }

        @Override
        public String name(String sql, int index) {
          return index == 0 ? "db.system.name" : "db.query.text";
        }

        @Override
        public String value(String sql, int index) {
          return index == 0 ? "sqlite" : sql;
        }
      };

  private SqliteTrace() {}

  /** The span's handle, or null when not traced. */
  static Object start(ContextInternal context, String sql) {
    VertxTracer<Object, Object> tracer = context.tracer();
    if (tracer == null) {
      return null;
    }
    return tracer.sendRequest(
        context, SpanKind.RPC, TracingPolicy.PROPAGATE, sql, "Query", (k, v) -> {}, TAGS);
  }

  static void end(ContextInternal context, Object span, AsyncResult<?> done) {
    VertxTracer<Object, Object> tracer = context.tracer();
    if (tracer != null) {
      tracer.receiveResponse(context, null, span, done.cause(), TagExtractor.empty());
    }
  }
}
