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
  record FinalModel(double testAccuracy, double trainAccuracy, int epochs, double seconds, long params, long flops, java.util.List<String> files) {}
}
