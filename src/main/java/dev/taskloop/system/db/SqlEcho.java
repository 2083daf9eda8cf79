package dev.taskloop.system.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SQL_ECHO}: one INFO line per statement on {@code dev.taskloop.sql}, like SQLAlchemy's
 * {@code echo=True}. Only the statement text and timing: parameters may hold personal data.
 */
final class SqlEcho {
  private static final Logger LOG = LoggerFactory.getLogger("dev.taskloop.sql");

  private SqlEcho() {}

  static void statement(String sql, long startNanos, boolean failed) {
    double millis = (System.nanoTime() - startNanos) / 1e6;
    LOG.info("{} {} ms: {}", failed ? "failed" : "ok", String.format("%.2f", millis), sql);
  }

  static void stream(String sql) {
    LOG.info("stream: {}", sql);
  }
}
