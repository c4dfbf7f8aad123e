package dev.jnas.strategy.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * NAS-RL's search (Zoph &amp; Le, 2017): an LSTM controller samples {@code batch} architectures
 * from its policy, and once all their rewards are told it takes one REINFORCE step with an
 * exponential-moving-average baseline, {@code -(1/m) sum_k sum_t log P(a_t|a_<t) (R_k - b)}.
 *
 * <p>Rewards may be percentages or fractions: each advantage is divided by the standard deviation
 * of all rewards seen so far, so the step does not depend on the reward's unit. A failed trial
 * gets {@code failure_reward} when set, else it is left out of the update (its batch's mean runs
 * over the others).
 *
 * <p>An architecture that breaks a constraint of the space is never proposed: its row is sampled
 * again from the same policy (then, after {@value #MAX_RESAMPLES} tries, uniformly from the
 * space).
 *
 * <p>{@link #snapshot()} records the weights and Adam's state (moments and step count) bit for
 * bit, the baseline, the reward statistics, the open batch and the random state: its size does
 * not grow with the experiment, and {@link #restore} replays nothing, so a restored controller
 * continues exactly as the original in the same process, and without depending on libtorch
 * giving bit-identical results in another one (another thread count can change the last bits of
 * its sums). For the same reason {@link #replayAsk} adopts the stored architectures instead of
 * insisting on sampling them again. Holds native memory: {@link #close()} it when done.
 */
public final class ReinforceController implements Strategy, AutoCloseable {
  public static final String NAME = "reinforce";
  static final int MAX_RESAMPLES = 100;

  private final SearchSpace space;
  private final ReinforceConfig config;
  private final DecisionPlan plan;
  private ControllerNetwork network;
  private final Rng rng;
  private Batch pending;
  /** Completed batches (updates taken, or skipped because every trial of the batch failed). */
  private int updates;
  /**
   * Count, mean and sum of squared deviations of every reward used (Welford's running form, as
   * commons-math's SummaryStatistics keeps it; held here because a snapshot must restore it).
   */
  private long rewardCount;
  private double rewardMean;
  private double rewardM2;
  private double baseline;
  private boolean baselineSet;

  public ReinforceController(SearchSpace space, ReinforceConfig config, long seed) {
    this.space = space;
    this.config = config;
    this.plan = new DecisionPlan(space.decisions());
    this.network = new ControllerNetwork(plan, config, Rng.derive(seed, 0));
    this.rng = Rng.of(Rng.derive(seed, 1));
  }

  @Override
  public String name() {
    return NAME;
  }

  public ReinforceConfig config() {
    return config;
  }

  /** Policy-gradient updates taken so far (a batch whose trials all failed counts as one). */
  public int updates() {
    return updates;
  }

  /** Current reward baseline (the moving average), or NaN before the first update. */
  public double baseline() {
    return baselineSet ? baseline : Double.NaN;
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>();
    for (int k : askSlots(n)) {
      out.add(pending.archs[k]);
    }
    return out;
  }

  /** Marks up to {@code n} unasked slots of the open batch (sampling one when none is open) as asked. */
  private List<Integer> askSlots(int n) {
    if (n <= 0) {
      return List.of();
    }
    if (pending == null) {
      pending = new Batch(sampleValid(config.batch(), rng));
    }
    List<Integer> slots = new ArrayList<>();
    for (int k = 0; k < pending.size() && slots.size() < n; k++) {
      if (!pending.asked[k]) {
        pending.asked[k] = true;
        slots.add(k);
      }
    }
    return slots;
  }

  /**
   * Asks as {@link #ask} would (same batch slots, same random draws), then takes {@code stored}
   * as the architectures of those slots: their trials exist, and the update learns from whatever
   * actions the batch holds. In the process that made them they are what the ask gives anyway.
   */
  @Override
  public List<Architecture> replayAsk(List<Architecture> stored) {
    List<Integer> slots = askSlots(stored.size());
    for (int i = 0; i < slots.size(); i++) {
      pending.archs[slots.get(i)] = stored.get(i);
    }
    return List.copyOf(stored.subList(0, slots.size()));
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    int slot = pending == null ? -1 : pending.awaiting(arch);
    if (slot < 0) {
      throw new IllegalArgumentException(
          "reinforce was told about " + space.encode(arch) + ", which is not awaiting a reward in the current batch");
    }
    pending.rewards[slot] = reward;
    if (pending.complete()) {
      learn(pending);
      updates++;
      pending = null;
    }
  }

  /**
   * {@code n} architectures drawn from the current policy with {@code random}, outside the ask/tell
   * cycle: nothing is opened or learnt (ENAS trains its shared weights on such samples).
   */
  public List<Architecture> sample(int n, java.util.random.RandomGenerator random) {
    return List.of(sampleValid(n, random));
  }

  /** Samples {@code m} valid architectures as one LSTM batch, re-sampling rows that break a constraint. */
  private Architecture[] sampleValid(int m, java.util.random.RandomGenerator rng) {
    Architecture[] out = new Architecture[m];
    List<Integer> missing = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      missing.add(k);
    }
    for (int attempt = 0; attempt < MAX_RESAMPLES && !missing.isEmpty(); attempt++) {
      int[][] actions = network.sample(missing.size(), rng);
      List<Integer> still = new ArrayList<>();
      for (int i = 0; i < actions.length; i++) {
        Architecture a = space.canonical(new Architecture(space.name(), actions[i])); // inactive decisions -> 0
        if (space.isValid(a)) {
          out[missing.get(i)] = a;
        } else {
          still.add(missing.get(i));
        }
      }
      missing = still;
    }
    for (int k : missing) {
      out[k] = space.sample(rng);
    }
    return out;
  }

  /** One REINFORCE step on a complete batch; also advances the baseline. */
  private void learn(Batch batch) {
    int m = batch.size();
    double[] r = new double[m];
    int used = 0;
    for (int k = 0; k < m; k++) {
      OptionalDouble told = batch.rewards[k];
      r[k] =
          told.isPresent() && Double.isFinite(told.getAsDouble())
              ? told.getAsDouble()
              : config.failureReward().orElse(Double.NaN);
      if (!Double.isNaN(r[k])) {
        addReward(r[k]);
        used++;
      }
    }
    if (used == 0) {
      return; // every trial failed and failures carry no reward: nothing to learn from
    }
    if (!baselineSet) {
      // Start the moving average at the first batch's mean, not 0, so the first step is not one
      // huge push towards whatever was sampled.
      double sum = 0;
      for (double v : r) {
        sum += Double.isNaN(v) ? 0 : v;
      }
      baseline = sum / used;
      baselineSet = true;
    }
    double sd = rewardCount > 1 ? Math.sqrt(rewardM2 / (rewardCount - 1)) : 0;
    double scale = sd > 1e-12 ? sd : 1;
    float[] advantages = new float[m];
    int[][] actions = new int[m][];
    for (int k = 0; k < m; k++) {
      actions[k] = batch.archs[k].choices();
      advantages[k] = Double.isNaN(r[k]) ? 0f : (float) ((r[k] - baseline) / scale);
    }
    network.update(actions, advantages, used, (float) config.entropyWeight());
    for (double v : r) {
      if (!Double.isNaN(v)) {
        baseline = config.baselineDecay() * baseline + (1 - config.baselineDecay()) * v;
      }
    }
  }

  private void addReward(double v) {
    rewardCount++;
    double dev = v - rewardMean;
    double nDev = dev / rewardCount;
    rewardMean += nDev;
    rewardM2 += (rewardCount - 1.0) * dev * nDev;
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("strategy", NAME);
    o.put("space", space.name());
    o.set("params", config.toJson());
    o.put("updates", updates);
    if (baselineSet) {
      o.put("baseline", baseline);
    } else {
      o.putNull("baseline");
    }
    o.putObject("rewards").put("count", rewardCount).put("mean", rewardMean).put("m2", rewardM2);
    if (pending != null) {
      o.set("pending", pending.toJson(space));
    }
    o.put("rng", rng.saveState());
    o.set("network", network.snapshot());
    return o;
  }

  @Override
  public void restore(ObjectNode snapshot) {
    String strategy = snapshot.path("strategy").asText();
    if (!NAME.equals(strategy)) {
      throw new BadInputException("snapshot is of strategy '" + strategy + "', not '" + NAME + "'");
    }
    String snapSpace = snapshot.path("space").asText();
    if (!space.name().equals(snapSpace)) {
      throw new BadInputException("snapshot is for space '" + snapSpace + "', not '" + space.name() + "'");
    }
    checkParams(snapshot.get("params"));
    if (!snapshot.has("network") && snapshot.has("history")) {
      throw new BadInputException(
          "reinforce snapshot was written by an older jnas, which kept the update history instead of the"
              + " controller's weights; this version cannot resume it: start a new experiment");
    }
    JsonNode rngNode = snapshot.get("rng");
    JsonNode updatesNode = snapshot.path("updates");
    JsonNode baselineNode = snapshot.path("baseline");
    JsonNode rewards = snapshot.path("rewards");
    if (rngNode == null || !rngNode.isTextual() || !updatesNode.canConvertToInt()
        || !(baselineNode.isNull() || baselineNode.isNumber()) || !rewards.path("count").canConvertToLong()
        || !rewards.path("mean").isNumber() || !rewards.path("m2").isNumber()) {
      throw new BadInputException(
          "reinforce snapshot needs fields 'rng' (text), 'updates' (integer), 'baseline' (number or null)"
              + " and 'rewards' {count, mean, m2}");
    }
    Batch open = snapshot.hasNonNull("pending") ? Batch.fromJson(snapshot.get("pending"), space, "pending") : null;
    // Built and checked in full before anything here changes.
    ControllerNetwork restored = ControllerNetwork.restored(plan, config, snapshot.path("network"));
    network.close();
    network = restored;
    rng.restoreState(rngNode.asText());
    updates = updatesNode.intValue();
    baselineSet = baselineNode.isNumber();
    baseline = baselineSet ? baselineNode.doubleValue() : 0;
    rewardCount = rewards.get("count").asLong();
    rewardMean = rewards.get("mean").doubleValue();
    rewardM2 = rewards.get("m2").doubleValue();
    pending = open;
  }

  private void checkParams(JsonNode params) {
    ReinforceConfig snapConfig;
    try {
      snapConfig = ReinforceConfig.fromJson(params);
    } catch (BadInputException e) {
      snapConfig = null;
    }
    if (!config.equals(snapConfig)) {
      throw new BadInputException(
          "snapshot was taken with parameters " + params + ", this controller has " + config.toJson());
    }
  }

  /** Frees the controller's native memory (weights, optimizer state). */
  @Override
  public void close() {
    network.close();
  }

  /** The controller's weights and Adam moments by name, read from the live arrays: for tests. */
  Map<String, float[]> networkArrays() {
    return network.arrays();
  }

  /** Arrays held by the controller network: constant between updates when nothing leaks. */
  int ownedArrays() {
    return network.ownedArrays();
  }

  /** Architectures sampled together, and what the experiment has reported about them. */
  private static final class Batch {
    /** Mutable only to adopt stored architectures on resume ({@link #replayAsk}). */
    final Architecture[] archs;
    final boolean[] asked;
    /** null: not told yet; empty: failed trial. */
    final OptionalDouble[] rewards;

    Batch(Architecture[] archs) {
      this.archs = archs;
      this.asked = new boolean[archs.length];
      this.rewards = new OptionalDouble[archs.length];
    }

    int size() {
      return archs.length;
    }

    int awaiting(Architecture arch) {
      for (int k = 0; k < archs.length; k++) {
        if (asked[k] && rewards[k] == null && archs[k].equals(arch)) {
          return k;
        }
      }
      return -1;
    }

    boolean complete() {
      for (OptionalDouble r : rewards) {
        if (r == null) {
          return false;
        }
      }
      return true;
    }

    ObjectNode toJson(SearchSpace space) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      ArrayNode a = o.putArray("archs");
      ArrayNode asks = o.putArray("asked");
      ArrayNode told = o.putArray("told");
      ArrayNode r = o.putArray("rewards");
      for (int k = 0; k < archs.length; k++) {
        a.add(space.encode(archs[k]));
        asks.add(asked[k]);
        told.add(rewards[k] != null);
        if (rewards[k] != null && rewards[k].isPresent()) {
          r.add(rewards[k].getAsDouble());
        } else {
          r.addNull();
        }
      }
      return o;
    }

    static Batch fromJson(JsonNode json, SearchSpace space, String where) {
      JsonNode a = json.path("archs");
      JsonNode asks = json.path("asked");
      JsonNode told = json.path("told");
      JsonNode r = json.path("rewards");
      int n = a.size();
      if (!a.isArray() || asks.size() != n || told.size() != n || r.size() != n) {
        throw new BadInputException(
            "reinforce snapshot: '" + where + "' batch needs arrays archs, asked, told and rewards of equal length");
      }
      Architecture[] archs = new Architecture[n];
      for (int k = 0; k < n; k++) {
        archs[k] = space.decode(a.get(k).asText());
      }
      Batch b = new Batch(archs);
      for (int k = 0; k < n; k++) {
        b.asked[k] = asks.get(k).asBoolean();
        if (told.get(k).asBoolean()) {
          b.rewards[k] = r.get(k).isNumber() ? OptionalDouble.of(r.get(k).doubleValue()) : OptionalDouble.empty();
        }
      }
      return b;
    }
  }
}
