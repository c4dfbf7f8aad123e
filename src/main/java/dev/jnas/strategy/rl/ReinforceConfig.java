package dev.jnas.strategy.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Params;
import java.util.OptionalDouble;

/**
 * Settings of the NAS-RL controller (Zoph &amp; Le, 2017). Defaults follow the paper where it gives
 * one (2-layer LSTM with 35 units, Adam, parameters uniform in +-0.08, moving-average baseline)
 * and measurements where its 12,800-architecture budget does not transfer.
 *
 * <p>Learning rate and batch were chosen on NAS-Bench-201 cifar10-valid at 500 queries (mean best
 * accuracy minus random search's, 50-100 seeds): the paper's 6e-4 does not beat random search at
 * that budget (batch 10: -0.08, batch 5: +0.03), while 3e-3..1e-2 does (4e-3/10: +0.45,
 * 6e-3/10: +0.44, 6e-3/8: +0.36, 1e-2/10: +0.28, 2e-2/10: +0.14, 0.1/10: -0.46). Batch 10 also
 * halves the per-architecture cost of batch 5. An entropy bonus did not help clearly (6e-3/10:
 * weight 0.01: +0.44, 0.1: +0.49, 0.3: +0.38), so it is off by default.
 *
 * @param layers stacked LSTM layers
 * @param hidden LSTM units per layer; also the size of the choice embeddings
 * @param learningRate Adam step size
 * @param batch architectures per policy-gradient update (m in the paper)
 * @param baselineDecay decay of the exponential moving average of rewards used as baseline
 * @param entropyWeight weight of the mean policy entropy added to the objective (0 = none)
 * @param initRange controller parameters start uniform in [-initRange, initRange]
 * @param failureReward reward given to failed trials; empty = failed trials are left out of the
 *     update
 */
public record ReinforceConfig(
    int layers,
    int hidden,
    double learningRate,
    int batch,
    double baselineDecay,
    double entropyWeight,
    double initRange,
    OptionalDouble failureReward) {

  public static final int DEFAULT_LAYERS = 2;
  public static final int DEFAULT_HIDDEN = 35;
  public static final double DEFAULT_LEARNING_RATE = 0.006;
  public static final int DEFAULT_BATCH = 10;
  public static final double DEFAULT_BASELINE_DECAY = 0.95;
  public static final double DEFAULT_ENTROPY_WEIGHT = 0.0;
  public static final double DEFAULT_INIT_RANGE = 0.08;

  private static final String COMPONENT = "strategy " + ReinforceController.NAME;

  /** The parameters a config may give (null = absent: the default). */
  record Given(
      Integer layers,
      Integer hidden,
      Double learningRate,
      Integer batch,
      Double baselineDecay,
      Double entropyWeight,
      Double initRange,
      Double failureReward) {}

  public ReinforceConfig {
    check(layers >= 1, "layers", "an integer >= 1", layers);
    check(hidden >= 1, "hidden", "an integer >= 1", hidden);
    check(learningRate > 0 && Double.isFinite(learningRate), "learning_rate", "a number > 0", learningRate);
    check(batch >= 1, "batch", "an integer >= 1", batch);
    check(baselineDecay >= 0 && baselineDecay < 1, "baseline_decay", "a number in [0, 1)", baselineDecay);
    check(entropyWeight >= 0 && Double.isFinite(entropyWeight), "entropy_weight", "a number >= 0", entropyWeight);
    check(initRange > 0 && Double.isFinite(initRange), "init_range", "a number > 0", initRange);
    check(failureReward.isEmpty() || Double.isFinite(failureReward.getAsDouble()), "failure_reward",
        "a finite number", failureReward.isEmpty() ? "" : failureReward.getAsDouble());
  }

  public static ReinforceConfig defaults() {
    return new ReinforceConfig(
        DEFAULT_LAYERS,
        DEFAULT_HIDDEN,
        DEFAULT_LEARNING_RATE,
        DEFAULT_BATCH,
        DEFAULT_BASELINE_DECAY,
        DEFAULT_ENTROPY_WEIGHT,
        DEFAULT_INIT_RANGE,
        OptionalDouble.empty());
  }

  /**
   * Reads strategy parameters; absent ones take their defaults.
   *
   * @throws BadInputException naming an unknown parameter or one with a bad value
   */
  public static ReinforceConfig fromJson(JsonNode params) {
    Given g = Params.bind(COMPONENT, params, Given.class);
    return new ReinforceConfig(
        or(g.layers(), DEFAULT_LAYERS),
        or(g.hidden(), DEFAULT_HIDDEN),
        or(g.learningRate(), DEFAULT_LEARNING_RATE),
        or(g.batch(), DEFAULT_BATCH),
        or(g.baselineDecay(), DEFAULT_BASELINE_DECAY),
        or(g.entropyWeight(), DEFAULT_ENTROPY_WEIGHT),
        or(g.initRange(), DEFAULT_INIT_RANGE),
        g.failureReward() == null ? OptionalDouble.empty() : OptionalDouble.of(g.failureReward()));
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  public ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("layers", layers);
    o.put("hidden", hidden);
    o.put("learning_rate", learningRate);
    o.put("batch", batch);
    o.put("baseline_decay", baselineDecay);
    o.put("entropy_weight", entropyWeight);
    o.put("init_range", initRange);
    if (failureReward.isPresent()) {
      o.put("failure_reward", failureReward.getAsDouble());
    }
    return o;
  }

  private static void check(boolean ok, String name, String expected, Object value) {
    if (!ok) {
      throw Params.bad(COMPONENT, name, expected, value);
    }
  }
}
