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
import java.util.OptionalDouble;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

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
 * <p>{@link #snapshot()} records the seed, the parameters, every completed batch (canonical
 * strings and rewards), the open batch and the random state; {@link #restore} rebuilds the network
 * from the seed and replays the updates, so Adam's moments and the weights come back exactly.
 * Holds native memory: {@link #close()} it when done.
 */
public final class ReinforceController implements Strategy, AutoCloseable {
  public static final String NAME = "reinforce";
  static final int MAX_RESAMPLES = 100;

  private final SearchSpace space;
  private final ReinforceConfig config;
  private final DecisionPlan plan;
  private long seed;
  private ControllerNetwork network;
  private Rng rng;
  private final List<Batch> completed = new ArrayList<>();
  private Batch pending;
  private SummaryStatistics rewardStats;
  private double baseline;
  private boolean baselineSet;

  public ReinforceController(SearchSpace space, ReinforceConfig config, long seed) {
    this.space = space;
    this.config = config;
    this.plan = new DecisionPlan(space.decisions());
    start(seed);
  }

  /** Fresh controller state for {@code seed}: weights, generator, baseline. */
  private void start(long newSeed) {
    if (network != null) {
      network.close();
    }
    seed = newSeed;
    network = new ControllerNetwork(plan, config, Rng.derive(newSeed, 0));
    rng = Rng.of(Rng.derive(newSeed, 1));
    completed.clear();
    pending = null;
    rewardStats = new SummaryStatistics();
    baseline = 0;
    baselineSet = false;
  }

  @Override
  public String name() {
    return NAME;
  }

  public ReinforceConfig config() {
    return config;
  }

  /** Policy-gradient updates taken so far. */
  public int updates() {
    return completed.size();
  }

  /** Current reward baseline (the moving average), or NaN before the first update. */
  public double baseline() {
    return baselineSet ? baseline : Double.NaN;
  }

  @Override
  public List<Architecture> ask(int n) {
    if (n <= 0) {
      return List.of();
    }
    if (pending == null) {
      pending = new Batch(sampleValid(config.batch()));
    }
    List<Architecture> out = new ArrayList<>();
    for (int k = 0; k < pending.size() && out.size() < n; k++) {
      if (!pending.asked[k]) {
        pending.asked[k] = true;
        out.add(pending.archs.get(k));
      }
    }
    return out;
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
      completed.add(pending);
      pending = null;
    }
  }

  /** Samples {@code m} valid architectures as one LSTM batch, re-sampling rows that break a constraint. */
  private List<Architecture> sampleValid(int m) {
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
    return List.of(out);
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
        rewardStats.addValue(r[k]);
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
    double sd = rewardStats.getStandardDeviation();
    double scale = sd > 1e-12 ? sd : 1;
    float[] advantages = new float[m];
    int[][] actions = new int[m][];
    for (int k = 0; k < m; k++) {
      actions[k] = batch.archs.get(k).choices();
      advantages[k] = Double.isNaN(r[k]) ? 0f : (float) ((r[k] - baseline) / scale);
    }
    network.update(actions, advantages, used, (float) config.entropyWeight());
    for (double v : r) {
      if (!Double.isNaN(v)) {
        baseline = config.baselineDecay() * baseline + (1 - config.baselineDecay()) * v;
      }
    }
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("strategy", NAME);
    o.put("space", space.name());
    o.put("seed", seed);
    o.set("params", config.toJson());
    ArrayNode history = o.putArray("history");
    for (Batch b : completed) {
      history.add(b.toJson(space));
    }
    if (pending != null) {
      o.set("pending", pending.toJson(space));
    }
    o.put("rng", rng.saveState());
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
    ReinforceConfig snapConfig = ReinforceConfig.fromJson(snapshot.get("params"));
    if (!snapConfig.equals(config)) {
      throw new BadInputException(
          "snapshot was taken with parameters " + snapConfig.toJson() + ", this controller has " + config.toJson());
    }
    JsonNode seedNode = snapshot.get("seed");
    JsonNode rngNode = snapshot.get("rng");
    if (seedNode == null || !seedNode.canConvertToLong() || rngNode == null || !rngNode.isTextual()) {
      throw new BadInputException("reinforce snapshot lacks its 'seed' or 'rng' field");
    }
    List<Batch> history = new ArrayList<>();
    for (JsonNode b : snapshot.path("history")) {
      history.add(Batch.fromJson(b, space, "history"));
    }
    Batch open = snapshot.hasNonNull("pending") ? Batch.fromJson(snapshot.get("pending"), space, "pending") : null;
    start(seedNode.asLong());
    for (Batch b : history) {
      learn(b);
      completed.add(b);
    }
    pending = open;
    rng.restoreState(rngNode.asText());
  }

  /** Frees the controller's native memory (weights, optimizer state). */
  @Override
  public void close() {
    network.close();
  }

  /** Arrays held by the controller network: constant between updates when nothing leaks. */
  int ownedArrays() {
    return network.ownedArrays();
  }

  /** Architectures sampled together, and what the experiment has reported about them. */
  private static final class Batch {
    final List<Architecture> archs;
    final boolean[] asked;
    /** null: not told yet; empty: failed trial. */
    final OptionalDouble[] rewards;

    Batch(List<Architecture> archs) {
      this.archs = List.copyOf(archs);
      this.asked = new boolean[archs.size()];
      this.rewards = new OptionalDouble[archs.size()];
    }

    int size() {
      return archs.size();
    }

    int awaiting(Architecture arch) {
      for (int k = 0; k < archs.size(); k++) {
        if (asked[k] && rewards[k] == null && archs.get(k).equals(arch)) {
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
      for (int k = 0; k < archs.size(); k++) {
        a.add(space.encode(archs.get(k)));
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
      List<Architecture> archs = new ArrayList<>();
      for (JsonNode s : a) {
        archs.add(space.decode(s.asText()));
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
