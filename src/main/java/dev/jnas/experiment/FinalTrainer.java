package dev.jnas.experiment;

import dev.jnas.space.Architecture;
import java.nio.file.Path;

/** Retrains the best architecture on all training data, measures test accuracy, saves weights. */
public interface FinalTrainer {

  /**
   * @param saveDir folder for the model files
   * @param checkpointDir folder for the per-epoch checkpoint, from which a retraining interrupted
   *     by a crash continues when called again with the same arguments; deleted once the model is
   *     saved; null: no checkpoints
   */
  FinalModel train(
      Architecture arch, long seed, int epochs, Path saveDir, Path checkpointDir, ExperimentListener listener);

  /**
   * @param testAccuracy fraction in [0, 1]
   * @param files the saved model files, relative to the experiment folder's parent-independent saveDir
   */
  /**
   * @param metrics the task's own figures besides accuracy (a language model's {@code
   *     test_perplexity}, {@code valid_perplexity}), written into the summary's {@code final}
   */
  record FinalModel(
      double testAccuracy, double trainAccuracy, int epochs, double seconds, long params, long flops, java.util.List<String> files,
      java.util.Map<String, Double> metrics) {
    public FinalModel {
      metrics = metrics == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    public FinalModel(double testAccuracy, double trainAccuracy, int epochs, double seconds, long params, long flops, java.util.List<String> files) {
      this(testAccuracy, trainAccuracy, epochs, seconds, params, flops, files, null);
    }
  }
}
