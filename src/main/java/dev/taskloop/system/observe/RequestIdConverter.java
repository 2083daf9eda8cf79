package dev.taskloop.system.observe;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %req} in the text log pattern: {@code [req=<id>]} when the line belongs to a request
 * ({@link RequestIdMdc}), else nothing. Replaces a {@code %replace} regex that ran on every line
 * (the access log writes one per request).
 */
public final class RequestIdConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String id = event.getMDCPropertyMap().get(RequestIdMdc.KEY);
    return id == null || id.isEmpty() ? "" : " [req=" + id + "]";
  }
}
