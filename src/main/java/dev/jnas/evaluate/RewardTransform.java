package dev.jnas.evaluate;

import dev.jnas.util.BadInputException;
import java.util.List;
import java.util.Locale;

/** Turns a trial's metrics into the reward the strategy maximises. */
public enum RewardTransform {
  /** The final validation accuracy. */
  ACCURACY,
  /** The best validation accuracy over all epochs. */
  MAX_ACCURACY,
  /** NAS-RL: the maximum validation accuracy of the last 5 epochs, cubed. */
  NASRL;

  public double apply(List<EpochMetrics> epochs, double finalValAccuracy) {
    return switch (this) {
      case ACCURACY -> finalValAccuracy;
      case MAX_ACCURACY -> epochs.stream().mapToDouble(EpochMetrics::valAccuracy).max().orElse(finalValAccuracy);
      case NASRL -> {
        double m =
            epochs.subList(Math.max(0, epochs.size() - 5), epochs.size()).stream()
                .mapToDouble(EpochMetrics::valAccuracy)
                .max()
                .orElse(finalValAccuracy);
        yield m * m * m;
      }
    };
  }

  public static RewardTransform parse(String s) {
    for (RewardTransform r : values()) {
      if (r.name().equalsIgnoreCase(s.replace('-', '_'))) {
        return r;
      }
    }
    throw new BadInputException(
        "unknown reward '" + s + "' (valid: accuracy, max_accuracy, nasrl)");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
