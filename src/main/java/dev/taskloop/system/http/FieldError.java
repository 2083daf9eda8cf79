package dev.taskloop.system.http;

/** One failing input of a request: a body field, a query parameter or a path parameter. */
public record FieldError(String field, String message) {}
