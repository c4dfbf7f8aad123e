package dev.jnas.train;

import dev.jnas.evaluate.EpochMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * A network retrained on the full training set and saved in DJL's format.
 *
 * @param directory folder holding {@code <name>-NNNN.params} (DJL) and {@code model.json}
 * @param name the DJL model name (file prefix) to pass to {@code Model.load(directory, name)}
 * @param epochs per-epoch metrics (validation fields are NaN: there is no held-out part)
 * @param trainAccuracy training accuracy of the last epoch
 * @param testAccuracy accuracy on the test set, NaN when the evaluator has none
 * @param testLoss mean cross-entropy on the test set, NaN when none
 */
public record TrainedModel(
    Path directory,
    String name,
    List<EpochMetrics> epochs,
    double trainAccuracy,
    double testAccuracy,
    double testLoss,
    long params,
    long flops,
    double wallSeconds) {

  public TrainedModel {
    epochs = List.copyOf(epochs);
  }
}
