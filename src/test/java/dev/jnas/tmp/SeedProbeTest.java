package dev.jnas.tmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.tabular.NasBench201Table;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.experiment.tabular.TabularBenchmark;
import dev.jnas.util.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SeedProbeTest {
  @Test
  void probe() throws Exception {
    String metric = System.getProperty("probe.metric", "cifar10-val");
    String params = System.getProperty("probe.params", "{}");
    int seeds = Integer.getInteger("probe.seeds", 10);
    int q = Integer.getInteger("probe.queries", 100);
    TabularEvaluator ev = new TabularEvaluator(NasBench201Table.load(Path.of("../shared/benchmarks/nasbench201.csv")), metric);
    TabularBenchmark b = new TabularBenchmark("nasbench201", ev);
    double sum = 0;
    int found = 0;
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < seeds; s++) {
      double[] c = b.bestCurve(System.getProperty("probe.strategy", "predictor"), (ObjectNode) Json.MAPPER.readTree(params), s, q);
      double best = c[q - 1];
      int firstOpt = -1;
      for (int i = 0; i < q; i++) if (c[i] == ev.optimum()) { firstOpt = i + 1; break; }
      sum += ev.optimum() - best;
      found += best == ev.optimum() ? 1 : 0;
      sb.append(String.format("seed %d best %.3f regret %.3f firstOpt %d @50 %.3f%n", s, best, ev.optimum() - best, firstOpt, c[Math.min(49, q - 1)]));
    }
    System.out.print(sb);
    System.out.printf("PROBE %s %s mean regret %.3f found %d/%d%n", metric, params, sum / seeds, found, seeds);
  }
}
