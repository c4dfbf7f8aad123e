package dev.jnas.experiment.pruning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.ComponentRef;
import dev.jnas.util.ConfigException;
import dev.jnas.util.Params;
import java.util.List;

/**
 * The pruners a config names in its {@code early_stopping} section: {@code median}, {@code
 * curve}, {@code successive_halving}, {@code hyperband}, given as a name or as {@code {name: N,
 * params: {...}}}. Errors are {@link ConfigException}s with the field's full path ({@code
 * early_stopping.params.warmup_epochs}).
 */
public final class Pruners {
  /** The registered names, in the order the README lists them. */
  public static final List<String> NAMES = List.of("median", "curve", "successive_halving", "hyperband");
  static final String SECTION = "early_stopping";

  private Pruners() {}

  /** Median rule parameters (Optuna's MedianPruner defaults). */
  record MedianParams(Integer startupTrials, Integer warmupEpochs, Integer minTrials) {}

  /** Learning-curve extrapolation parameters (NNI's threshold). */
  record CurveParams(Integer startEpoch, Double threshold) {}

  /** Successive halving parameters; {@code eta} is Optuna's reduction_factor. */
  record HalvingParams(Integer minEpochs, Integer eta, Integer minEarlyStoppingRate) {}

  /** Hyperband parameters. */
  record HyperbandParams(Integer minEpochs, Integer eta) {}

  /**
   * The pruner {@code section} describes, or null when it is absent (no early stopping).
   *
   * @param maxEpochs the epochs each trial trains; checks that the parameters leave some epoch to
   *     judge; 0 when not known yet (the checks that need it are skipped)
   * @throws ConfigException naming the field that is wrong
   */
  public static Pruner create(JsonNode section, int maxEpochs) {
    if (section == null || section.isNull() || section.isMissingNode()) {
      return null;
    }
    ComponentRef ref = ComponentRef.of(section, SECTION);
    if (ref.className() != null) {
      throw ConfigException.invalid(SECTION + ".class", "is not supported: give one of " + String.join(", ", NAMES));
    }
    if (maxEpochs == 1) {
      throw ConfigException.invalid(SECTION, "needs trials of at least 2 epochs (budget.epochs, or the evaluator's"
          + " training.epochs): a trial of 1 epoch has nothing left to stop");
    }
    String name = ref.name();
    String component = "early stopping " + name;
    try {
      return switch (name) {
        case "median" -> {
          MedianParams p = Params.bind(component, ref.params(), MedianParams.class);
          int warmup = range(component, "warmup_epochs", p.warmupEpochs(), 0, 0, maxEpochs - 2,
              "no epoch would be judged: trials train " + maxEpochs + " epochs and the last is never judged", maxEpochs);
          yield new MedianPruner(
              range(component, "startup_trials", p.startupTrials(), 5, 0, Integer.MAX_VALUE, null, 0),
              warmup,
              range(component, "min_trials", p.minTrials(), 1, 1, Integer.MAX_VALUE, null, 0));
        }
        case "curve" -> {
          CurveParams p = Params.bind(component, ref.params(), CurveParams.class);
          int start = range(component, "start_epoch", p.startEpoch(), 3, CurveFit.MIN_FAMILIES, maxEpochs - 1,
              "trials train " + maxEpochs + " epochs and the last is never judged", maxEpochs);
          double threshold = p.threshold() == null ? 0.95 : p.threshold();
          if (!(threshold > 0 && threshold <= 1)) {
            throw Params.bad(component, "threshold", "a number in (0, 1]", threshold);
          }
          yield new CurveFitPruner(start, threshold);
        }
        case "successive_halving" -> {
          HalvingParams p = Params.bind(component, ref.params(), HalvingParams.class);
          int min = minEpochs(component, p.minEpochs(), maxEpochs);
          int eta = range(component, "eta", p.eta(), 3, 2, 1000, null, 0);
          int rate = range(component, "min_early_stopping_rate", p.minEarlyStoppingRate(), 0, 0, 30, null, 0);
          SuccessiveHalvingPruner sh = new SuccessiveHalvingPruner(min, eta, rate);
          if (maxEpochs > 0 && sh.rungs(maxEpochs).isEmpty()) {
            throw Params.bad(component, "min_early_stopping_rate",
                "small enough that min_epochs * eta^rate < " + maxEpochs + " (the trial budget), else no rung is below the budget", rate);
          }
          yield sh;
        }
        case "hyperband" -> {
          HyperbandParams p = Params.bind(component, ref.params(), HyperbandParams.class);
          yield new HyperbandPruner(minEpochs(component, p.minEpochs(), maxEpochs), range(component, "eta", p.eta(), 3, 2, 1000, null, 0));
        }
        default -> throw ConfigException.invalid(
            section.isTextual() ? SECTION : SECTION + ".name", "'" + name + "' is unknown (valid: " + String.join(", ", NAMES) + ")");
      };
    } catch (ConfigException e) {
      throw e.field().startsWith(SECTION) ? e : e.under(SECTION + ".params");
    }
  }

  private static int minEpochs(String component, Integer value, int maxEpochs) {
    return range(component, "min_epochs", value, 1, 1, maxEpochs - 1,
        "trials train " + maxEpochs + " epochs: the first rung must come before the last", maxEpochs);
  }

  /**
   * {@code value} (or {@code def}) in [min, max]; {@code max} applies only when {@code maxEpochs >
   * 0} (known), and {@code why} then explains it.
   */
  private static int range(String component, String name, Integer value, int def, int min, int max, String why, int maxEpochs) {
    int v = value == null ? def : value;
    if (why != null && maxEpochs > 0 && max < min) {
      throw Params.bad(component, name, "in [" + min + ", " + max + "], which no value is (" + why + ")", v);
    }
    if (v < min) {
      throw Params.bad(component, name, "an integer >= " + min, v);
    }
    if (why != null && maxEpochs > 0 && v > max) {
      throw Params.bad(component, name, "at most " + max + " (" + why + ")", v);
    }
    if (why == null && v > max) {
      throw Params.bad(component, name, "an integer in [" + min + ", " + max + "]", v);
    }
    return v;
  }
}
