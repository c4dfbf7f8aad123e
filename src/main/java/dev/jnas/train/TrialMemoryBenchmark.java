package dev.jnas.train;

import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs many short trials in one JVM through the real TrainingEvaluator, with architectures sampled
 * from the space, and records the process's resident memory after each: a leak of native arrays
 * across trials shows as a rising curve.
 */
public final class TrialMemoryBenchmark {
  private TrialMemoryBenchmark() {}

  /**
   * @param rssMib resident set size after each trial
   * @param slopeMibPer100 least-squares slope of the second half of the curve, MiB per 100 trials
   */
  public record Result(int trials, int completed, List<Double> rssMib, double firstMib, double lastMib, double maxMib,
      double slopeMibPer100, double seconds) {}

  public static Result run(SearchSpace space, int trials, int images, int size, long seed) {
    ImageDataset train = ImageDataset.synthetic(images, 1, size, size, 10, seed);
    TrainingSettings s = TrainingSettings.DEFAULTS.withBatchSize(32).withEpochs(1);
    return run(space, new TrainingEvaluator(ModelBuilders.forSpace(space), train, null, s), trials, seed);
  }

  /** As above with any evaluator of the space's architectures (a language model's, for recurrent cells). */
  public static Result run(SearchSpace space, dev.jnas.evaluate.Evaluator evaluator, int trials, long seed) {
    Rng rng = Rng.of(seed);
    List<Double> rss = new ArrayList<>();
    int completed = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < trials; i++) {
      Architecture arch = space.sample(rng);
      TrialResult r = evaluator.evaluate(arch, TrialContext.of(i, Rng.derive(seed, i), 1));
      completed += r.isComplete() ? 1 : 0;
      rss.add(rssMib());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<Double> half = rss.subList(rss.size() / 2, rss.size());
    return new Result(trials, completed, rss, rss.get(0), rss.get(rss.size() - 1),
        rss.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), slope(half) * 100, seconds);
  }

  private static double slope(List<Double> y) {
    org.apache.commons.math3.stat.regression.SimpleRegression reg = new org.apache.commons.math3.stat.regression.SimpleRegression();
    for (int i = 0; i < y.size(); i++) {
      reg.addData(i, y.get(i));
    }
    return y.size() < 2 ? Double.NaN : reg.getSlope();
  }

  /** Current resident set size in MiB (Linux's VmRSS), NaN elsewhere. */
  public static double rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return Double.NaN;
  }
}
