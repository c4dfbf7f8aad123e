package dev.jnas.store;

import dev.jnas.evaluate.tabular.MetricTable;
import dev.jnas.evaluate.tabular.MetricTables;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.space.NasBench201Space;
import dev.jnas.strategy.Strategies;
import dev.jnas.util.Folders;
import dev.jnas.util.Json;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: trials/s of the SQLite-backed search loop (what {@code jnas search} runs on a tabular
 * benchmark: evolution over NAS-Bench-201, concurrency 1, every ask and finish a WAL transaction)
 * with {@code PRAGMA synchronous=NORMAL} and {@code FULL}, alternated in one JVM; medians.
 *
 * <p>Run (BENCHMARKS.md has the figures): {@code mvn -B -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt}, then {@code java -cp
 * target/classes:target/test-classes:$(cat target/cp.txt) dev.jnas.store.DurabilityBenchmark
 * [trials 5000] [rounds 5] [folder target/durability]} (the folder must be on the disk whose cost
 * is measured, not a tmpfs).
 */
public final class DurabilityBenchmark {
  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path root = Path.of(args.length > 2 ? args[2] : "target/durability");
    MetricTable table = MetricTables.load(Path.of(System.getProperty("jnas.shared", "../shared"), "benchmarks", "nasbench201.csv"), null);
    String[] modes = {"NORMAL", "FULL"};
    double[][] rates = new double[modes.length][rounds];
    run(table, root.resolve("warmup"), "NORMAL", Math.min(trials, 500));
    for (int r = 0; r < rounds; r++) {
      for (int m = 0; m < modes.length; m++) {
        rates[m][r] = run(table, root.resolve(modes[m] + "-" + r), modes[m], trials);
        System.out.printf(Locale.ROOT, "round %d: synchronous=%s %,.0f trials/s%n", r, modes[m], rates[m][r]);
      }
    }
    for (int m = 0; m < modes.length; m++) {
      double[] s = rates[m].clone();
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "median synchronous=%s: %,.0f trials/s (%d trials, %d rounds; min %,.0f, max %,.0f)%n",
          modes[m], s[rounds / 2], trials, rounds, s[0], s[rounds - 1]);
    }
    Folders.deleteTree(root);
  }

  /** One search of {@code trials} trials into a fresh store; trials per second of the loop. */
  static double run(MetricTable table, Path dir, String synchronous, int trials) throws Exception {
    Folders.deleteTree(dir);
    var space = new NasBench201Space();
    var strategy = Strategies.create("evolution", space, Json.MAPPER.createObjectNode(), 1);
    try (SqliteTrialStore store = SqliteTrialStore.open(dir, synchronous)) {
      store.createExperiment("bench", "{}", "{}");
      long t0 = System.nanoTime();
      int n = new ExperimentRunner(space, strategy, new TabularEvaluator(table, "cifar10-val"), store,
          new RunSettings(trials, null, 1, 1, 1), null).run().size();
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }
}
