package dev.jnas.web;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Experiment folders written straight into a store: NAS-Bench-201 architectures with made-up but
 * plausible results (epochs, sizes), every fifth trial FAILED, so pages have something of each kind.
 */
final class WebFixtures {
  private WebFixtures() {}

  static final String CONFIG = "{\"name\":\"%s\",\"seed\":3,\"space\":\"nasbench201\",\"strategy\":\"random\","
      + "\"evaluator\":{\"type\":\"none\"},\"budget\":{\"max_trials\":%d}}";

  /** Writes an experiment of {@code trials} finished trials; returns the folder. */
  static Path experiment(Path dir, String name, int trials) {
    return experiment(dir, name, trials, "{\"type\":\"none\"}");
  }

  /** As {@link #experiment(Path, String, int)} with the config's evaluator section (e.g. a language model's). */
  static Path experiment(Path dir, String name, int trials, String evaluator) {
    SearchSpace space = SearchSpaces.create(NasBench201Space.NAME, null);
    SplittableRandom rng = new SplittableRandom(7);
    String config = String.format(CONFIG, name.replace("\\", "\\\\").replace("\"", "\\\""), trials)
        .replace("{\"type\":\"none\"}", evaluator);
    try (SqliteTrialStore s = SqliteTrialStore.create(dir, name, config, "{\"jnas\":\"test\",\"seed\":3}")) {
      s.setStatus("RUNNING");
      long t0 = 1_700_000_000_000L;
      for (int i = 0; i < trials; i++) {
        addTrial(s, space, rng, i, t0 + i * 1000L);
      }
      s.setStatus("FINISHED");
    }
    return dir;
  }

  /** Appends one more finished trial to a stored experiment (as a running search would). */
  static void addTrial(Path dir, int id) {
    SearchSpace space = SearchSpaces.create(NasBench201Space.NAME, null);
    try (SqliteTrialStore s = SqliteTrialStore.open(dir)) {
      addTrial(s, space, new SplittableRandom(id), id, 1_700_000_000_000L + id * 1000L);
    }
  }

  private static void addTrial(SqliteTrialStore s, SearchSpace space, SplittableRandom rng, int i, long at) {
    String arch = space.encode(space.sample(rng));
    TrialRecord asked = TrialRecord.running(i, arch, 100 + i, at, i + 1);
    s.recordAsked(List.of(asked), null);
    TrialResult r;
    if (i % 5 == 4) {
      r = TrialResult.failed("out of memory in trial " + i + " </script><b>not bold</b>", 0.5);
    } else {
      List<EpochMetrics> epochs = new ArrayList<>();
      double acc = 0.3 + 0.5 * rng.nextDouble();
      for (int e = 1; e <= 3; e++) {
        EpochMetrics m = new EpochMetrics(e, 1.5 / e, acc * e / 3, 1.6 / e, acc * (0.7 + 0.1 * e), 2.0);
        epochs.add(m);
        s.recordEpoch(i, m);
      }
      double val = epochs.get(2).valAccuracy();
      long params = 10_000 + rng.nextInt(200_000);
      r = new TrialResult(TrialStatus.COMPLETE, epochs, val, val - 0.01, val, params, params * 30, 6.0, null);
    }
    s.recordFinished(asked.finish(r, at + 900, i + 1), null);
  }

  /**
   * A DARTS search's folder: one trial (the supernet) and the strategy record the one-shot runner
   * stores, with softmax(alpha) of two decisions over three epochs.
   */
  static Path oneShotExperiment(Path dir) {
    String config = "{\"name\":\"darts\",\"seed\":1,\"space\":\"nasbench201\",\"strategy\":\"darts\","
        + "\"evaluator\":{\"type\":\"none\"},\"budget\":{\"epochs\":3}}";
    try (SqliteTrialStore s = SqliteTrialStore.create(dir, "darts", config, "{}")) {
      StringBuilder epochs = new StringBuilder();
      for (int e = 1; e <= 3; e++) {
        double p = 0.2 + 0.2 * e;
        epochs.append(e > 1 ? "," : "").append("{\"epoch\":").append(e).append(",\"architecture\":\"x\",\"skips\":0,\"probabilities\":[[")
            .append(p).append(',').append(1 - p).append("],[").append(1 - p).append(',').append(p).append("]]}");
      }
      s.saveSnapshot("{\"method\":\"darts\",\"labels\":[{\"name\":\"edge 1<-0\",\"options\":[\"conv\",\"<b>skip</b>\"]},"
          + "{\"name\":\"edge 2<-0\",\"options\":[\"conv\",\"pool\"]}],\"epochs\":[" + epochs + "]}");
      s.setStatus("FINISHED");
    }
    return dir;
  }

  /** A PNAS search's folder: trials and the levels with their rank correlations. */
  static Path pnasExperiment(Path dir) {
    experiment(dir, "pnas", 4);
    try (SqliteTrialStore s = SqliteTrialStore.open(dir)) {
      s.saveSnapshot("{\"strategy\":{\"strategy\":\"pnas\",\"levels\":[{\"level\":1,\"cells\":8,\"trained\":8,\"best\":0.7,"
          + "\"rho_fit\":0.9},{\"level\":2,\"cells\":40,\"trained\":4,\"best\":0.8,\"rho_fit\":0.8,\"rho_predicted\":0.45}]}}");
    }
    return dir;
  }
}
