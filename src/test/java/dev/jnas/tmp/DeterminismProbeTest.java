package dev.jnas.tmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.tabular.NasBench201Table;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.experiment.tabular.TabularBenchmark;
import dev.jnas.util.Json;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeterminismProbeTest {
  @Test
  void probe() throws Exception {
    TabularEvaluator ev = new TabularEvaluator(NasBench201Table.load(Path.of("../shared/benchmarks/nasbench201.csv")), "cifar10-val");
    TabularBenchmark b = new TabularBenchmark("nasbench201", ev);
    ObjectNode p = (ObjectNode) Json.MAPPER.readTree("{\"steps\":100}");
    double[] a = b.bestCurve("predictor", p, 3, 60);
    double[] c = b.bestCurve("predictor", p, 3, 60);
    Thread t = new Thread(() -> {
      double[] d = b.bestCurve("predictor", p, 3, 60);
      System.out.println("DET thread equal=" + Arrays.equals(a, d));
    });
    t.start();
    t.join();
    System.out.println("DET same-thread equal=" + Arrays.equals(a, c) + " threads=" + System.getProperty("ai.djl.pytorch.num_threads"));
  }
}
