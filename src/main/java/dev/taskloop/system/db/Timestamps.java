package dev.taskloop.system.db;

import dev.taskloop.system.config.DatabaseUrl;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;

/**
 * Reads a timestamp in any form a text column can hold, whoever wrote it (the service, the sqlite3
 * shell, another tool): RFC 3339 and ISO-8601 with {@code T} or a space, with or without seconds
 * and a fraction of up to 9 digits, with {@code Z}, {@code +hh:mm}, {@code +hhmm} or {@code +hh},
 * or without an offset (UTC); a date alone (midnight UTC); or integer epoch milliseconds
 * (sqlite-jdbc's own storage of dates). The service itself always writes one form: ISO-8601 local
 * time in UTC with microseconds.
 */
final class Timestamps {
  private static final DateTimeFormatter LENIENT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalEnd()
          .toFormatter();

  private Timestamps() {}

  /** The instant a stored timestamp text names; {@link DateTimeParseException} if it names none. */
  static Instant parse(String text) {
    String value = text.strip();
    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochMilli(Long.parseLong(value));
    }
    TemporalAccessor parsed =
        LENIENT.parseBest(value, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
    return switch (parsed) {
      case OffsetDateTime offset -> offset.toInstant();
      case LocalDateTime local -> local.toInstant(ZoneOffset.UTC);
      case LocalDate date -> date.atStartOfDay().toInstant(ZoneOffset.UTC);
      default -> throw new DateTimeParseException("not a timestamp", value, 0);
    };
  }

  /**
   * {@code instant} as a statement parameter, in the type the driver stores as UTC with microsecond
   * precision on {@code url}'s database.
   */
  static Object parameter(DatabaseUrl url, Instant instant) {
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    return url instanceof DatabaseUrl.Sqlite
        ? LocalDateTime.ofInstant(micros, ZoneOffset.UTC)
        : micros.atOffset(ZoneOffset.UTC);
  }
}
