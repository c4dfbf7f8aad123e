package dev.jnas.evaluate.tabular;

import dev.jnas.space.TableSpace;
import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

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
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      try (CsvText in = CsvText.open(file, "table")) {
        if (in.header("key column, then metric columns").contains("cellstr")) {
          return NasBench201Table.load(file);
        }
      }
    }
    return KeyedTable.load(file, declared);
  }
}
