package dev.jnas.util;

/** Root of jnas's exceptions. */
public class NasException extends RuntimeException {
  public NasException(String message) {
    super(message);
  }

  public NasException(String message, Throwable cause) {
    super(message, cause);
  }
}
