package dev.taskloop.system.db;

import io.vertx.jdbcclient.impl.actions.JDBCColumnDescriptor;
import io.vertx.jdbcclient.impl.actions.SQLValueProvider;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import java.sql.SQLException;

/**
 * The JDBC pool's decoder (registered in {@code META-INF/services}; only SQLite uses the JDBC
 * pool): date-time columns come back as their stored text, which {@link Rows#instant} reads in
 * every form ({@link Timestamps}). sqlite-jdbc's own conversion to {@code LocalDateTime} throws on
 * text it did not write itself, such as {@code 2026-01-02T03:04:05.001Z} from the sqlite3 shell,
 * which made every read of such a row fail.
 */
public final class SqliteTimestampDecoder extends JDBCDecoderImpl {
  @Override
  protected Object decodeDateTime(SQLValueProvider value, JDBCColumnDescriptor descriptor)
      throws SQLException {
    return value.apply(String.class);
  }
}
