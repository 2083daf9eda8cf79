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

  /** Nanoseconds of one unit of the last fraction digit, by the number of digits. */
  private static final int[] NANOS_PER_DIGIT = {
    0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  private Timestamps() {}

  /** The instant a stored timestamp text names; {@link DateTimeParseException} if it names none. */
  static Instant parse(String text) {
    Instant canonical = canonical(text);
    if (canonical != null) {
      return canonical;
    }
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
   * The common forms, read by hand (every SQLite row has two timestamps; the formatter above costs
   * about a tenth of a GET's time): {@code yyyy-MM-dd[T ]HH:mm:ss[.f{1,9}][Z]}, UTC. Null for any
   * other text, which the formatter then reads.
   */
  private static Instant canonical(String s) {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int end = s.charAt(n - 1) == 'Z' ? n - 1 : n;
    int nanos = 0;
    if (end > 19) {
      int digits = end - 20;
      if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
        return null;
      }
      int fraction = digits(s, 20, end);
      if (fraction < 0) {
        return null;
      }
      nanos = fraction * NANOS_PER_DIGIT[digits];
    }
    int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
    int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .toInstant(ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      return null; // out of range: the formatter says why
    }
  }

  /** The decimal number in {@code s[from, to)}, or -1 when it holds anything but digits. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
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
