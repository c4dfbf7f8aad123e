package dev.jnas.evaluate.tabular;

import dev.jnas.space.TableSpace;
import dev.jnas.util.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens a benchmark table file, telling NAS-Bench-201's CSV from a keyed table. */
public final class MetricTables {
  private MetricTables() {}

  /**
   * A NAS-Bench-201 table when {@code file} is a CSV whose header has a {@code cellstr} column,
   * else a {@link KeyedTable} (JSON or CSV).
   *
   * @param declared the keyed table's space, or null to infer it from the keys (ignored for
   *     NAS-Bench-201)
   */
  public static MetricTable load(Path file, TableSpace declared) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("table " + file + " does not exist or is not a file");
    }
    if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String header = in.readLine();
        if (header != null && Arrays.stream(header.split(",", -1)).map(String::trim).anyMatch("cellstr"::equals)) {
          return NasBench201Table.load(file);
        }
      } catch (IOException e) {
        throw new BadInputException("cannot read table " + file + ": " + e.getMessage(), e);
      }
    }
    return KeyedTable.load(file, declared);
  }
}
