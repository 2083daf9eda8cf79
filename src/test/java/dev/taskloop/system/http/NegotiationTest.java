package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Accept with quality values, as RFC 9110 reads it. */
class NegotiationTest {
  private static final List<String> OFFERS = List.of("application/x-ndjson", "text/csv");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "none|application/x-ndjson",
        "*/*|application/x-ndjson",
        "text/csv|text/csv",
        "text/csv;q=0|none",
        "text/csv;q=0, */*;q=0.1|application/x-ndjson",
        "text/*;q=0.5, application/x-ndjson;q=0.4|text/csv",
        "*/*;q=0.9, text/csv;q=0|application/x-ndjson",
        "TEXT/CSV; Q=1|text/csv",
        "application/json|none",
        "text/csv;q=2|none",
        "garbage|none",
        "text/csv;q=0.0001|none"
      })
  void choosesTheBestAcceptableOffer(String accept, String expected) {
    assertEquals(Optional.ofNullable(expected), Negotiation.choose(accept, OFFERS));
  }

  @org.junit.jupiter.api.Test
  void acceptEncodingTakesACodingByNameOrStarWithQualityAboveZero() {
    assertEquals(true, Negotiation.acceptsCoding("gzip, deflate, br", "gzip"));
    assertEquals(true, Negotiation.acceptsCoding("deflate;q=0.5, *;q=0.1", "gzip"));
    assertEquals(false, Negotiation.acceptsCoding("gzip;q=0, *", "gzip"), "the name wins");
    assertEquals(false, Negotiation.acceptsCoding("GZIP;q=0.000", "gzip"));
    assertEquals(false, Negotiation.acceptsCoding("gzip;q=2", "gzip"), "a bad qvalue is 0");
    assertEquals(false, Negotiation.acceptsCoding("br", "gzip"));
    assertEquals(false, Negotiation.acceptsCoding(null, "gzip"));
  }
}
