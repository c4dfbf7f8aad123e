package dev.jnas.train;

import dev.jnas.space.Decision;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a hyperparameter trial's values reach training: each value overrides the training setting
 * of its parameter's own name (the last part of its path, so {@code optimizer.momentum.momentum}
 * sets {@code momentum}). Known names: {@link #NAMES}.
 *
 * <p>{@code optimizer} chooses among the variants of the SGD the training loop runs (PyTorch's
 * SGD): {@code sgd} (no momentum), {@code momentum} (heavy ball) and {@code nesterov}; a {@code
 * momentum} or {@code nesterov} value of the trial overrides what the variant implies. Adam is
 * not offered: the training loop and its checkpoints hold SGD's state only.
 */
public final class HyperparameterSettings {
  /** The hyperparameters training understands. */
  public static final List<String> NAMES = List.of(
      "learning_rate", "weight_decay", "momentum", "nesterov", "optimizer", "batch_size", "schedule", "epochs",
      "label_smoothing", "augment");
  public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov");

  private HyperparameterSettings() {}

  /**
   * {@code base} with the values of a trial ({@link HyperparameterSpace#values}) applied.
   *
   * @throws BadInputException naming the parameter whose value training cannot take
   */
  public static TrainingSettings apply(Map<String, String> values, TrainingSettings base) {
    TrainingSettings s = base;
    double momentum = base.momentum();
    boolean nesterov = base.nesterov();
    // the optimizer variant first: explicit momentum and nesterov values override what it implies
    for (var e : values.entrySet()) {
      if (HyperparameterSpace.leaf(e.getKey()).equals("optimizer")) {
        switch (e.getValue()) {
          case "sgd" -> {
            momentum = 0;
            nesterov = false;
          }
          case "momentum" -> nesterov = false;
          case "nesterov" -> nesterov = true;
          default -> throw bad(e.getKey(), e.getValue(), "one of " + String.join(", ", OPTIMIZERS)
              + " (the training loop runs SGD; adam is not supported)");
        }
      }
    }
    for (var e : values.entrySet()) {
      String name = HyperparameterSpace.leaf(e.getKey());
      String v = e.getValue();
      switch (name) {
        case "optimizer" -> { }
        case "learning_rate" -> s = s.withLearningRate(number(e.getKey(), v));
        case "weight_decay" -> s = s.withWeightDecay(number(e.getKey(), v));
        case "momentum" -> momentum = number(e.getKey(), v);
        case "nesterov" -> nesterov = bool(e.getKey(), v);
        case "batch_size" -> s = s.withBatchSize(integer(e.getKey(), v));
        case "schedule" -> {
          try {
            s = s.withSchedule(TrainingSettings.Schedule.parse(v));
          } catch (BadInputException x) {
            throw bad(e.getKey(), v, "cosine, step or constant");
          }
        }
        case "epochs" -> s = s.withEpochs(integer(e.getKey(), v));
        case "label_smoothing" -> s = s.withLabelSmoothing(number(e.getKey(), v));
        case "augment" -> s = s.withAugment(bool(e.getKey(), v));
        default -> throw new BadInputException(
            "hyperparameter '" + e.getKey() + "' does not reach training (known names: " + String.join(", ", NAMES) + ")");
      }
    }
    // nesterov needs momentum: plain SGD with nesterov asked for keeps nesterov off
    return s.withMomentum(momentum, nesterov && momentum > 0);
  }

  /** The epochs a trial's values ask for, if any. */
  public static Optional<Integer> epochs(Map<String, String> values) {
    for (var e : values.entrySet()) {
      if (HyperparameterSpace.leaf(e.getKey()).equals("epochs")) {
        return Optional.of(integer(e.getKey(), e.getValue()));
      }
    }
    return Optional.empty();
  }

  /**
   * Checks that every option of every parameter of {@code space} can train (names known,
   * values in range), before any trial runs.
   *
   * @throws ConfigException at {@code parameters.<name>} naming the parameter and the value
   */
  public static void check(HyperparameterSpace space, TrainingSettings base) {
    for (int k = 0; k < space.decisions().size(); k++) {
      Decision d = space.decisions().get(k);
      String name = HyperparameterSpace.leaf(d.name());
      String field = space.field(k);
      if (!NAMES.contains(name)) {
        throw ConfigException.invalid(field, "does not reach training: a hyperparameter's own name must be one of "
            + String.join(", ", NAMES));
      }
      for (int i = 0; i < d.cardinality(); i++) {
        try {
          apply(Map.of(d.name(), d.label(i)), base);
        } catch (BadInputException e) {
          throw ConfigException.invalid(field, "option '" + d.label(i) + "' cannot train: " + e.getMessage());
        }
      }
    }
  }

  private static BadInputException bad(String path, String value, String what) {
    return new BadInputException("hyperparameter '" + path + "' must be " + what + ", got '" + value + "'");
  }

  private static double number(String path, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(path, v, "a number");
    }
  }

  private static int integer(String path, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw bad(path, v, "an integer");
    }
  }

  private static boolean bool(String path, String v) {
    if (!v.equals("true") && !v.equals("false")) {
      throw bad(path, v, "true or false");
    }
    return v.equals("true");
  }
}
