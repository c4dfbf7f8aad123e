package dev.jnas.strategy.rl;

import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test-only reader of NAS-Bench-201's cifar10-valid accuracies from the shared CSV. */
final class Nb201Cifar10Val {
  private static Map<Architecture, Double> table;

  private Nb201Cifar10Val() {}

  static synchronized Map<Architecture, Double> load() {
    if (table != null) {
      return table;
    }
    String shared = System.getProperty("jnas.shared");
    if (shared == null) {
      throw new IllegalStateException("system property jnas.shared is not set (surefire sets it to ../shared)");
    }
    Path csv = Path.of(shared, "benchmarks/nasbench201.csv");
    if (!Files.exists(csv)) {
      throw new IllegalStateException("missing benchmark table " + csv);
    }
    NasBench201Space space = new NasBench201Space();
    Map<Architecture, Double> t = new HashMap<>();
    try {
      List<String> lines = Files.readAllLines(csv);
      List<String> header = List.of(lines.get(0).split(","));
      int cell = header.indexOf("cellstr");
      int val = header.indexOf("cifar10-val");
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        t.put(space.decode(f[cell]), Double.parseDouble(f[val]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    table = Map.copyOf(t);
    return table;
  }
}
