package dev.jnas.util;

/**
 * The user gave something invalid (config, architecture string, data file, flag). The message
 * names what is wrong and where; the CLI prints it and exits with code 2.
 */
public class BadInputException extends NasException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
