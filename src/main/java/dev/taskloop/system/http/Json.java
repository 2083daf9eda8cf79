package dev.taskloop.system.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.taskloop.system.http.ApiException.FieldError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON conventions of the wire, in one mapper: snake_case names, RFC 3339 UTC instants, strict
 * parsing (UTF-8 only and strictly decoded, duplicate keys and trailing garbage are malformed,
 * nesting at most {@link #MAX_DEPTH} deep), unknown fields ignored.
 */
public final class Json {
  /** Deepest nesting a request body may have; no API document is deeper than 3. */
  public static final int MAX_DEPTH = 32;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // a JSON number with a fraction or an exponent is read from its text as a BigDecimal:
          // a price of 0.1 stays 0.1, not the double nearest to it
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .serializationInclusion(JsonInclude.Include.ALWAYS)
          .build();

  private static final String DUPLICATE = "Duplicate field '";

  private Json() {}

  /** Serializes a wire record. */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
    }
  }

  /**
   * The key that an object of the body names twice, when that is why {@link #parse} failed; null
   * for any other failure.
   */
  public static String duplicateKey(JsonProcessingException e) {
    String message = e.getOriginalMessage(); // Jackson's own wording: HttpErrorsIT holds it
    return message != null && message.startsWith(DUPLICATE) && message.endsWith("'")
        ? message.substring(DUPLICATE.length(), message.length() - 1)
        : null;
  }

  /**
   * Initialises the mapper and its serializers for {@code wireSample} and for problem bodies, here
   * on the calling (main) thread, so the first requests do not pay that one-time class loading on
   * an event loop (hundreds of ms on a cold JVM).
   */
  public static void warmUp(Object wireSample) {
    try {
      parse(bytes(wireSample));
      var field = List.of(new FieldError("f", "m"));
      bytes(new Problems.Problem(ProblemType.VALIDATION.type(), "t", 422, "d", "/", field, "r"));
    } catch (JsonProcessingException | CharacterCodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a UTF-8 document. Throws {@link CharacterCodingException} when the bytes are not UTF-8
   * (overlong forms, encoded surrogates and other encodings such as UTF-16 or UTF-32 included: the
   * parser's own detection would take those) and {@link JsonProcessingException} when the text is
   * not well-formed JSON or breaks a limit.
   */
  public static JsonNode parse(byte[] json)
      throws JsonProcessingException, CharacterCodingException {
    if (ascii(json)) { // the common case: ASCII is UTF-8, and the byte parser is the fastest
      try {
        return MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw e;
      } catch (IOException e) {
        throw new IllegalStateException(e); // no I/O: the input is in memory
      }
    }
    String text =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(json))
            .toString();
    return MAPPER.readTree(text);
  }

  /**
   * Whether every byte is 7-bit ASCII and the start is not the pattern of UTF-16 or UTF-32 (a NUL
   * among the first four bytes), which Jackson's byte parser would otherwise detect and accept.
   */
  private static boolean ascii(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] < 0 || (bytes[i] == 0 && i < 4)) {
        return false;
      }
    }
    return true;
  }
}
