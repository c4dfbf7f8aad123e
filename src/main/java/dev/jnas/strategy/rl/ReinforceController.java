package dev.jnas.strategy.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Params;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p><b>Replicas and shards.</b> With {@code replicas} K &gt; 1 or {@code shards} S &gt; 1 the
 * controller runs NAS-RL's asynchronous distributed training (section 3.3): the parameters live
 * in a {@link ParameterServer} of S shards, each with its own Adam; K replicas each hold the
 * parameters they last pulled and one open batch of {@code batch} architectures sampled from
 * them. {@link #ask} hands out the replicas' slots round-robin (replica 1 slot 1, replica 2 slot
 * 1, ..., then slot 2), so even a sequential experiment has K batches in flight. When a
 * replica's batch is complete its REINFORCE gradient, computed on its own (possibly stale)
 * parameters, is pushed; every shard applies its part unless it is more than {@code
 * max_staleness} updates staler than the shard ({@link #updateLog()}), and the replica pulls the
 * latest parameters for its next batch. With K = S = 1 none of this exists: the controller takes
 * its own Adam steps, exactly as without the option. The parameter server is a {@link
 * LocalParameterServer} unless the constructor is given another {@link ParameterServer.Factory}.
 * The snapshot then holds, instead of the network, each replica's pulled parameters, versions and
 * open batch, every shard's state, and the update log: the one part that grows with the
 * experiment (a few dozen bytes per update).
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
  // The reward baseline and statistics are shared by all replicas, as the controller they stand
  // for is one: every replica's parameters are at most max_staleness updates from the shared ones,
  // so they estimate the same policy's expected reward, and one baseline fed by all batches is K
  // times less noisy than K baselines fed by one replica's each. It also keeps the simulation's
  // only difference from K = 1 the staleness of the parameters, which is what the option studies.
  private double baseline;
  private boolean baselineSet;

  // NAS-RL's distributed scheme (config.distributed()); all null/empty for the plain controller.
  /** The shared parameters. */
  private ParameterServer server;
  /** Shard offsets in the flat parameter vector, then its length. */
  private final int[] shardBounds;
  private final Replica[] replicas;
  /** The replica whose turn it is to hand out a slot. */
  private int cursor;
  /** Every push, in order. */
  private final List<Update> updateLog = new ArrayList<>();

  /** A controller whose replicas, when it has any, share a {@link LocalParameterServer}. */
  public ReinforceController(SearchSpace space, ReinforceConfig config, long seed) {
    this(space, config, seed, LocalParameterServer.FACTORY);
  }

  /**
   * @param servers makes the parameter server when {@code config} has replicas or shards (not
   *     used otherwise); it starts from this controller's initial weights
   * @throws BadInputException when {@code shards} exceeds the controller's parameter count
   */
  public ReinforceController(SearchSpace space, ReinforceConfig config, long seed, ParameterServer.Factory servers) {
    this.space = space;
    this.config = config;
    this.plan = new DecisionPlan(space.decisions());
    this.network = new ControllerNetwork(plan, config, Rng.derive(seed, 0));
    this.rng = Rng.of(Rng.derive(seed, 1));
    if (!config.distributed()) {
      server = null;
      shardBounds = null;
      replicas = null;
      return;
    }
    try {
      float[] initial = network.flatWeights();
      if (config.shards() > initial.length) {
        throw Params.bad(
            "strategy " + NAME, "shards", "an integer from 1 to the controller's " + initial.length + " parameters",
            config.shards());
      }
      shardBounds = ParameterServer.bounds(initial.length, config.shards());
      server = servers.create(initial, config.shards(), AdamSettings.of(config.learningRate()), config.maxStaleness());
      replicas = new Replica[config.replicas()];
      ParameterServer.Pulled pulled = server.pull();
      for (int r = 0; r < replicas.length; r++) {
        replicas[r] = new Replica(pulled.flat(), pulled.versions().clone(), null);
      }
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
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

  /**
   * Moves the shared parameters into a server made by {@code servers} (a cluster's parameter
   * servers), state and all; nothing changes without replicas or shards.
   */
  public void moveParameterServer(ParameterServer.Factory servers) {
    if (server == null) {
      return;
    }
    List<ShardState> state = server.state();
    ParameterServer next =
        servers.create(new float[server.size()], config.shards(), AdamSettings.of(config.learningRate()), config.maxStaleness());
    try {
      next.load(state);
    } catch (RuntimeException e) {
      next.close();
      throw e;
    }
    server.close();
    server = next;
  }

  /**
   * Every push of a replica's gradient to the parameter server so far, in order: which replica,
   * the shard versions it had pulled, and per shard the staleness and whether it was applied.
   * Empty for the plain controller (no replicas, no shards).
   */
  public List<Update> updateLog() {
    return List.copyOf(updateLog);
  }

  /**
   * One push of a replica's gradient (index: its position in {@link #updateLog()}).
   *
   * @param replica 0-based
   * @param pulledVersions per shard, the version the replica's parameters came from
   * @param staleness per shard, the shard's version at the push minus the pulled one
   * @param applied per shard, false when the shard dropped the update as too stale
   */
  public record Update(int index, int replica, long[] pulledVersions, long[] staleness, boolean[] applied) {
    /** Shards that dropped this update. */
    public int dropped() {
      int n = 0;
      for (boolean a : applied) {
        n += a ? 0 : 1;
      }
      return n;
    }

    /** Mean staleness over the shards. */
    public double meanStaleness() {
      return Arrays.stream(staleness).average().orElse(0);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Update u
          && index == u.index
          && replica == u.replica
          && Arrays.equals(pulledVersions, u.pulledVersions)
          && Arrays.equals(staleness, u.staleness)
          && Arrays.equals(applied, u.applied);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * index + replica) + Arrays.hashCode(staleness);
    }

    @Override
    public String toString() {
      return "Update[" + index + ", replica " + replica + ", pulled " + Arrays.toString(pulledVersions) + ", staleness "
          + Arrays.toString(staleness) + ", applied " + Arrays.toString(applied) + "]";
    }
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>();
    if (replicas != null) {
      for (int[] rs : askReplicaSlots(n)) {
        out.add(replicas[rs[0]].batch.archs[rs[1]]);
      }
      return out;
    }
    for (int k : askSlots(n)) {
      out.add(pending.archs[k]);
    }
    return out;
  }

  /**
   * Marks up to {@code n} unasked slots as asked, one replica's at a time round-robin, a replica
   * without an open batch sampling one from the parameters it last pulled; returns {replica, slot}
   * pairs.
   */
  private List<int[]> askReplicaSlots(int n) {
    List<int[]> out = new ArrayList<>();
    int idle = 0; // replicas in a row with no unasked slot
    while (out.size() < n && idle < replicas.length) {
      int r = cursor;
      cursor = (cursor + 1) % replicas.length;
      Replica rep = replicas[r];
      if (rep.batch == null) {
        network.loadFlat(rep.weights);
        rep.batch = new Batch(sampleValid(config.batch(), rng));
      }
      int slot = -1;
      for (int k = 0; k < rep.batch.size() && slot < 0; k++) {
        if (!rep.batch.asked[k]) {
          slot = k;
        }
      }
      if (slot < 0) {
        idle++;
      } else {
        idle = 0;
        rep.batch.asked[slot] = true;
        out.add(new int[] {r, slot});
      }
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
    if (replicas != null) {
      List<int[]> slots = askReplicaSlots(stored.size());
      for (int i = 0; i < slots.size(); i++) {
        replicas[slots.get(i)[0]].batch.archs[slots.get(i)[1]] = stored.get(i);
      }
      return List.copyOf(stored.subList(0, slots.size()));
    }
    List<Integer> slots = askSlots(stored.size());
    for (int i = 0; i < slots.size(); i++) {
      pending.archs[slots.get(i)] = stored.get(i);
    }
    return List.copyOf(stored.subList(0, slots.size()));
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    if (replicas != null) {
      tellReplica(arch, reward);
      return;
    }
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
   * Routes a reward to the first replica (in replica order) whose batch awaits {@code arch}: two
   * replicas may have sampled the same architecture, and either trial's reward is one of that
   * architecture's. A completed batch is learnt from and pushed, and its replica pulls.
   */
  private void tellReplica(Architecture arch, OptionalDouble reward) {
    for (int r = 0; r < replicas.length; r++) {
      Replica rep = replicas[r];
      int slot = rep.batch == null ? -1 : rep.batch.awaiting(arch);
      if (slot >= 0) {
        rep.batch.rewards[slot] = reward;
        if (rep.batch.complete()) {
          learn(rep.batch, r);
          updates++;
          ParameterServer.Pulled pulled = server.pull();
          rep.weights = pulled.flat();
          rep.versions = pulled.versions().clone();
          rep.batch = null;
        }
        return;
      }
    }
    throw new IllegalArgumentException(
        "reinforce was told about " + space.encode(arch) + ", which is not awaiting a reward in any replica's batch");
  }

  /**
   * {@code n} architectures drawn from the current policy with {@code random}, outside the ask/tell
   * cycle: nothing is opened or learnt (ENAS trains its shared weights on such samples). With
   * replicas, the policy of the parameter server's current parameters.
   */
  public List<Architecture> sample(int n, java.util.random.RandomGenerator random) {
    if (server != null) {
      network.loadFlat(server.pull().flat());
    }
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
    learn(batch, -1);
  }

  /**
   * One REINFORCE step on a complete batch, taken by the controller itself ({@code replica} -1)
   * or as a push of replica {@code replica}'s gradient; also advances the baseline.
   */
  private void learn(Batch batch, int replica) {
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
    if (replica < 0) {
      network.update(actions, advantages, used, (float) config.entropyWeight());
    } else {
      push(replica, network, actions, advantages, used);
    }
    for (double v : r) {
      if (!Double.isNaN(v)) {
        baseline = config.baselineDecay() * baseline + (1 - config.baselineDecay()) * v;
      }
    }
  }

  /** Pushes the gradient of replica {@code r}'s loss, computed on the parameters it pulled, and logs it. */
  private void push(int r, ControllerNetwork net, int[][] actions, float[] advantages, int used) {
    Replica rep = replicas[r];
    net.loadFlat(rep.weights);
    float[] gradient = net.gradient(actions, advantages, used, (float) config.entropyWeight());
    ParameterServer.Pushed pushed = server.push(ParameterServer.split(gradient, shardBounds), rep.versions.clone());
    updateLog.add(new Update(updateLog.size(), r, rep.versions.clone(), pushed.staleness().clone(), pushed.applied().clone()));
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
    if (replicas == null) {
      o.set("network", network.snapshot());
      return o;
    }
    o.put("cursor", cursor);
    ArrayNode reps = o.putArray("replicas");
    for (Replica rep : replicas) {
      ObjectNode j = reps.addObject();
      ArrayNode versions = j.putArray("versions");
      Arrays.stream(rep.versions).forEach(versions::add);
      j.put("weights", FloatCodec.encode(rep.weights));
      if (rep.batch != null) {
        j.set("batch", rep.batch.toJson(space));
      }
    }
    ArrayNode shards = o.putArray("server");
    for (ShardState st : server.state()) {
      shards.addObject()
          .put("version", st.version())
          .put("adam_steps", st.steps())
          .put("values", FloatCodec.encode(st.values()))
          .put("m", FloatCodec.encode(st.m()))
          .put("v", FloatCodec.encode(st.v()));
    }
    // One entry per push, [replica, pulled versions, staleness, applied (1/0)] per shard: the
    // only part that grows with the experiment, a few dozen bytes per update.
    ArrayNode log = o.putArray("update_log");
    for (Update u : updateLog) {
      ArrayNode e = log.addArray();
      e.add(u.replica());
      ArrayNode pulled = e.addArray();
      Arrays.stream(u.pulledVersions()).forEach(pulled::add);
      ArrayNode stale = e.addArray();
      Arrays.stream(u.staleness()).forEach(stale::add);
      ArrayNode applied = e.addArray();
      for (boolean a : u.applied()) {
        applied.add(a ? 1 : 0);
      }
    }
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
    if (replicas != null) {
      restoreReplicas(snapshot); // checks all of its part, then sets it
    } else {
      // Built and checked in full before anything here changes.
      ControllerNetwork restored = ControllerNetwork.restored(plan, config, snapshot.path("network"));
      network.close();
      network = restored;
    }
    rng.restoreState(rngNode.asText());
    updates = updatesNode.intValue();
    baselineSet = baselineNode.isNumber();
    baseline = baselineSet ? baselineNode.doubleValue() : 0;
    rewardCount = rewards.get("count").asLong();
    rewardMean = rewards.get("mean").doubleValue();
    rewardM2 = rewards.get("m2").doubleValue();
    pending = open;
  }

  /** Reads the replicas, the server's shards and the update log; changes nothing unless all are well formed. */
  private void restoreReplicas(ObjectNode snapshot) {
    int n = shardBounds[shardBounds.length - 1];
    int s = shardBounds.length - 1;
    JsonNode cursorNode = snapshot.path("cursor");
    JsonNode reps = snapshot.path("replicas");
    JsonNode shards = snapshot.path("server");
    JsonNode log = snapshot.path("update_log");
    if (!cursorNode.canConvertToInt() || cursorNode.intValue() < 0 || cursorNode.intValue() >= replicas.length
        || !reps.isArray() || reps.size() != replicas.length || !shards.isArray() || shards.size() != s
        || !log.isArray()) {
      throw new BadInputException(
          "reinforce snapshot with replicas needs 'cursor' (0.." + (replicas.length - 1) + "), 'replicas' ("
              + replicas.length + "), 'server' (" + s + " shards) and 'update_log'");
    }
    Replica[] restored = new Replica[replicas.length];
    for (int r = 0; r < restored.length; r++) {
      JsonNode j = reps.get(r);
      long[] versions = longs(j.path("versions"), s, "versions of replica " + r);
      float[] weights = FloatCodec.decode(j.get("weights"), n, "weights of replica " + r);
      Batch b = j.hasNonNull("batch") ? Batch.fromJson(j.get("batch"), space, "replica " + r) : null;
      restored[r] = new Replica(weights, versions, b);
    }
    List<ShardState> states = new ArrayList<>();
    for (int i = 0; i < s; i++) {
      JsonNode j = shards.get(i);
      int size = shardBounds[i + 1] - shardBounds[i];
      String where = "shard " + i;
      if (!j.path("version").canConvertToLong() || j.path("version").longValue() < 0
          || !j.path("adam_steps").canConvertToInt() || j.path("adam_steps").intValue() < 0) {
        throw new BadInputException("reinforce snapshot: " + where + " needs 'version' and 'adam_steps' (integers >= 0)");
      }
      states.add(
          new ShardState(
              FloatCodec.decode(j.get("values"), size, "values of " + where),
              FloatCodec.decode(j.get("m"), size, "Adam's first moment of " + where),
              FloatCodec.decode(j.get("v"), size, "Adam's second moment of " + where),
              j.get("adam_steps").intValue(),
              j.get("version").longValue()));
    }
    List<Update> entries = new ArrayList<>();
    for (JsonNode e : log) {
      String where = "update_log[" + entries.size() + "]";
      if (!e.isArray() || e.size() != 4 || !e.get(0).canConvertToInt() || e.get(0).intValue() < 0
          || e.get(0).intValue() >= replicas.length) {
        throw new BadInputException("reinforce snapshot: " + where + " must be [replica, pulled, staleness, applied]");
      }
      long[] applied = longs(e.get(3), s, where + " applied");
      boolean[] a = new boolean[s];
      for (int i = 0; i < s; i++) {
        a[i] = applied[i] != 0;
      }
      entries.add(new Update(entries.size(), e.get(0).intValue(), longs(e.get(1), s, where + " pulled"),
          longs(e.get(2), s, where + " staleness"), a));
    }
    try {
      server.load(states);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("reinforce snapshot: the parameter server refused its state: " + e.getMessage(), e);
    }
    System.arraycopy(restored, 0, replicas, 0, replicas.length);
    cursor = cursorNode.intValue();
    updateLog.clear();
    updateLog.addAll(entries);
  }

  private static long[] longs(JsonNode a, int size, String what) {
    if (a == null || !a.isArray() || a.size() != size) {
      throw new BadInputException("reinforce snapshot: " + what + " must be an array of " + size + " integers");
    }
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      if (!a.get(i).canConvertToLong()) {
        throw new BadInputException("reinforce snapshot: " + what + " must be an array of " + size + " integers");
      }
      out[i] = a.get(i).longValue();
    }
    return out;
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
    if (server != null) {
      server.close();
    }
  }

  /** The controller's weights and Adam moments by name, read from the live arrays: for tests. */
  Map<String, float[]> networkArrays() {
    return network.arrays();
  }

  /** Arrays held by the controller network: constant between updates when nothing leaks. */
  int ownedArrays() {
    return network.ownedArrays();
  }

  /** A controller replica: the parameters it last pulled, their shard versions, its open batch. */
  private static final class Replica {
    float[] weights;
    long[] versions;
    /** null until it is next asked. */
    Batch batch;

    Replica(float[] weights, long[] versions, Batch batch) {
      this.weights = weights;
      this.versions = versions;
      this.batch = batch;
    }
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
