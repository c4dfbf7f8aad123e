package dev.jnas.data.text;

import dev.jnas.util.BadInputException;
import java.util.Locale;

/** Levels of tokens: the words of a line, or its characters. */
public enum TextLevel {
  /** Tokens are the whitespace-separated words of a line. */
  WORD,
  /** Tokens are the characters of a line (its words joined by single spaces), space included. */
  CHAR;

  /**
   * The level named {@code s}: "word" or "char", any case.
   *
   * @throws BadInputException naming the valid values
   */
  public static TextLevel parse(String s) {
    String n = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "word" -> WORD;
      case "char" -> CHAR;
      default -> throw new BadInputException("unknown text level '" + s + "' (valid: word, char)");
    };
  }

  /** The level's name as {@link #parse} reads it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
