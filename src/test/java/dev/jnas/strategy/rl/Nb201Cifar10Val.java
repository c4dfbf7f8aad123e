package dev.jnas.strategy.rl;

import dev.jnas.evaluate.tabular.NasBench201Table;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** NAS-Bench-201's cifar10-val accuracies from the shared CSV, as a map (read through NasBench201Table). */
final class Nb201Cifar10Val {
  private static Map<Architecture, Double> table;

  private Nb201Cifar10Val() {}

  static synchronized Map<Architecture, Double> load() {
    if (table == null) {
      NasBench201Table t = NasBench201Table.load(Path.of(System.getProperty("jnas.shared", "../shared"), "benchmarks", "nasbench201.csv"));
      Map<Architecture, Double> m = new HashMap<>();
      new NasBench201Space().enumerate().forEach(a -> m.put(a, t.value(a, "cifar10-val").orElseThrow()));
      table = Map.copyOf(m);
    }
    return table;
  }
}
