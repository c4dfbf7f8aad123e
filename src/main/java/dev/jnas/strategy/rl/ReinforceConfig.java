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
 * @param replicas controller replicas (K in NAS-RL's distributed training): each samples its own
 *     batch of {@code batch} architectures from the parameters it last pulled, and its gradient
 *     is applied asynchronously to the shared parameters. 1 (with {@code shards} 1) is the plain
 *     single controller, with no parameter server at all
 * @param shards partitions of the controller's parameter vector (S, the paper's parameter
 *     servers); each is updated by its own Adam, atomically per shard
 * @param maxStaleness a shard update whose staleness (updates the shard took between the
 *     replica's pull and its push) exceeds this is dropped. Default {@code 2 * replicas}: in a
 *     steady round-robin each replica's gradient is {@code replicas - 1} updates stale, so the
 *     default drops nothing unless a replica falls more than about one round behind the others
 */
public record ReinforceConfig(
    int layers,
    int hidden,
    double learningRate,
    int batch,
    double baselineDecay,
    double entropyWeight,
    double initRange,
    OptionalDouble failureReward,
    int replicas,
    int shards,
    int maxStaleness) {

  public static final int DEFAULT_LAYERS = 2;
  public static final int DEFAULT_HIDDEN = 35;
  public static final double DEFAULT_LEARNING_RATE = 0.006;
  public static final int DEFAULT_BATCH = 10;
  public static final double DEFAULT_BASELINE_DECAY = 0.95;
  public static final double DEFAULT_ENTROPY_WEIGHT = 0.0;
  public static final double DEFAULT_INIT_RANGE = 0.08;
  public static final int DEFAULT_REPLICAS = 1;
  public static final int DEFAULT_SHARDS = 1;

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
      Double failureReward,
      Integer replicas,
      Integer shards,
      Integer maxStaleness) {}

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
    check(replicas >= 1, "replicas", "an integer >= 1", replicas);
    check(shards >= 1, "shards", "an integer >= 1", shards);
    check(maxStaleness >= 0, "max_staleness", "an integer >= 0", maxStaleness);
  }

  /** The single-controller settings with the paper's distributed ones left at 1 shard, 1 replica. */
  public ReinforceConfig(
      int layers,
      int hidden,
      double learningRate,
      int batch,
      double baselineDecay,
      double entropyWeight,
      double initRange,
      OptionalDouble failureReward) {
    this(layers, hidden, learningRate, batch, baselineDecay, entropyWeight, initRange, failureReward,
        DEFAULT_REPLICAS, DEFAULT_SHARDS, defaultMaxStaleness(DEFAULT_REPLICAS));
  }

  /** {@code 2 * replicas}, see {@link #maxStaleness()}. */
  public static int defaultMaxStaleness(int replicas) {
    return 2 * replicas;
  }

  /**
   * True when the controller runs NAS-RL's asynchronous scheme (replicas and a sharded parameter
   * server); false for the plain controller, which takes its steps itself.
   */
  public boolean distributed() {
    return replicas > 1 || shards > 1;
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
        g.failureReward() == null ? OptionalDouble.empty() : OptionalDouble.of(g.failureReward()),
        or(g.replicas(), DEFAULT_REPLICAS),
        or(g.shards(), DEFAULT_SHARDS),
        g.maxStaleness() != null
            ? g.maxStaleness()
            : defaultMaxStaleness(g.replicas() == null || g.replicas() < 1 ? DEFAULT_REPLICAS : g.replicas()));
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
    o.put("replicas", replicas);
    o.put("shards", shards);
    o.put("max_staleness", maxStaleness);
    return o;
  }

  private static void check(boolean ok, String name, String expected, Object value) {
    if (!ok) {
      throw Params.bad(COMPONENT, name, expected, value);
    }
  }
}
