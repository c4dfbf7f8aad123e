package dev.jnas.experiment;

import dev.jnas.space.Architecture;
import java.nio.file.Path;

/**
 * NAS-RL's closing step: after the search, before the final retraining, a small hyperparameter
 * search (a grid over learning rate, weight decay and schedule, or any hyperparameter space and
 * strategy) on the best architecture; the final retraining then uses the best setting. The
 * tuning trials are an experiment of their own in a folder inside the experiment's, so they are
 * stored, shown ({@code jnas show DIR/tune}) and, after a crash, continued without repeating a
 * finished one.
 */
public interface FinalTuner {

  /**
   * Runs the tuning trials on {@code arch} in {@code dir}, or continues them when {@code dir}
   * holds an interrupted tuning.
   *
   * @throws dev.jnas.util.NasException when no tuning trial completed
   */
  Tuned tune(Architecture arch, Path dir, ExperimentListener listener);

  /**
   * @param setting the best tuning trial's hyperparameters (its canonical string)
   * @param reward its reward
   * @param trials the tuning trials finished
   * @param trainer retrains the architecture with that setting
   */
  record Tuned(String setting, double reward, int trials, FinalTrainer trainer) {}
}
