package dev.jnas.evaluate.tabular;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.jnas.util.BadInputException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV table read row by row through jackson-dataformat-csv: quoted fields (with commas, quotes
 * and line breaks inside), a UTF-8 byte order mark, CRLF or LF line ends; blank lines are skipped
 * and unquoted cells trimmed. Each row knows the line it starts on, so every problem raises a
 * {@link BadInputException} naming the file and line. A binary file is refused as "not a text
 * table" instead of failing inside the character decoder.
 */
final class CsvText implements AutoCloseable {
  private static final CsvFactory FACTORY =
      CsvFactory.builder()
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .enable(CsvParser.Feature.TRIM_SPACES)
          .build();
  /** Bytes inspected for NUL: text tables never hold one, binary files almost always do early. */
  private static final int SNIFF = 8192;

  private final Path file;
  private final CsvParser parser;
  private final List<String> cells = new ArrayList<>();
  private int line;

  private CsvText(Path file, CsvParser parser) {
    this.file = file;
    this.parser = parser;
  }

  /**
   * Opens {@code file}.
   *
   * @param what how messages call the file, e.g. "table" or "NAS-Bench-201 table"
   * @throws BadInputException when it is missing, unreadable or binary
   */
  static CsvText open(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(what + " " + file + " does not exist or is not a file");
    }
    try {
      refuseBinary(file);
      return new CsvText(file, (CsvParser) FACTORY.createParser(file.toFile()));
    } catch (IOException e) {
      throw new BadInputException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  private static void refuseBinary(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SNIFF);
    }
    for (int i = 0; i < head.length; i++) {
      if (head[i] == 0) {
        throw notText(file, "it holds a NUL byte at offset " + i);
      }
    }
  }

  private static BadInputException notText(Path file, String why) {
    return new BadInputException(
        file + " is not a text table (" + why + "); expected CSV text: a header line, then one row per architecture");
  }

  /**
   * The first row, or a BadInputException when the file has none.
   *
   * @param expected what the header should hold, for the message
   */
  List<String> header(String expected) {
    String[] h = next();
    if (h == null) {
      throw new BadInputException(file + ": line 1: empty file, expected a header: " + expected);
    }
    return List.of(h);
  }

  /** The next row's cells (unquoted, trimmed), or null after the last row. */
  String[] next() {
    try {
      JsonToken t = parser.nextToken();
      if (t == null) {
        return null;
      }
      cells.clear();
      line = -1;
      while ((t = parser.nextToken()) == JsonToken.VALUE_STRING) {
        if (line < 0) {
          line = parser.currentTokenLocation().getLineNr();
        }
        cells.add(parser.getText());
      }
      return cells.toArray(String[]::new);
    } catch (CharConversionException e) {
      throw notText(file, "not UTF-8: " + e.getMessage().replaceFirst(": check content encoding.*", ""));
    } catch (JsonProcessingException e) {
      throw new BadInputException(
          file + ": line " + e.getLocation().getLineNr() + ": not valid CSV: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The line the row last returned by {@link #next} starts on (1 = the header). */
  int line() {
    return line;
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      // read-only: nothing is lost by a failed close
    }
  }
}
