package dev.jnas.strategy.rl;

import java.io.Serializable;

/**
 * Adam's hyperparameters for a parameter-server shard: those of the NAS-RL controller's own
 * optimizer ({@link dev.jnas.train.SavableAdam}: DJL's Adam, epsilon 1e-8, no weight decay).
 *
 * @param learningRate step size
 * @param beta1 decay of the first moment
 * @param beta2 decay of the second moment
 */
public record AdamSettings(float learningRate, float beta1, float beta2) implements Serializable {
  public AdamSettings {
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("Adam learning rate must be a finite number > 0, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
  }

  /** The controller's optimizer: {@code learningRate} with betas 0.9 and 0.999. */
  public static AdamSettings of(double learningRate) {
    return new AdamSettings((float) learningRate, 0.9f, 0.999f);
  }
}
