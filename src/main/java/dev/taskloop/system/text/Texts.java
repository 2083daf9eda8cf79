package dev.taskloop.system.text;

/** Characters that render as nothing, which an identity (an email address) must not hold. */
final class Texts {
  private Texts() {}

  /**
   * Whether {@code codePoint} is a control or format character, unassigned, private use, or one of
   * Unicode's other default-ignorable code points (fillers, variation selectors): characters that
   * render as nothing and so can make two identifiers look the same. An unpaired surrogate is one
   * too: {@link String#codePoints()} yields it as is, and its type is {@code SURROGATE}.
   */
  static boolean isInvisible(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.UNASSIGNED,
          Character.PRIVATE_USE,
          Character.SURROGATE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          true;
      default ->
          codePoint == 0x034F // combining grapheme joiner
              || codePoint == 0x115F
              || codePoint == 0x1160 // Hangul fillers
              || codePoint == 0x17B4
              || codePoint == 0x17B5 // Khmer inherent vowels
              || (codePoint >= 0x180B && codePoint <= 0x180F) // Mongolian selectors
              || codePoint == 0x2800 // braille blank
              || codePoint == 0x3164
              || codePoint == 0xFFA0 // Hangul fillers
              || (codePoint >= 0xFE00 && codePoint <= 0xFE0F) // variation selectors
              || (codePoint >= 0xE0100 && codePoint <= 0xE01EF);
    };
  }
}
