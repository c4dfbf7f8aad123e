package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import dev.jnas.train.SavableAdam;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** NAS-RL's asynchronous controller: K replicas pushing to a parameter server of S shards. */
class ReinforceReplicasTest {
  static {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  private final NasBench201Space nb201 = new NasBench201Space();

  private static ReinforceConfig config(String json) throws Exception {
    return ReinforceConfig.fromJson(Json.MAPPER.readTree(json));
  }

  /** Asks {@code per} at a time and tells {@link ReplicaGolden#reward} until {@code asks} were asked. */
  private static List<Architecture> run(ReinforceController rc, SearchSpace space, int per, int asks) {
    List<Architecture> seen = new ArrayList<>();
    while (seen.size() < asks) {
      List<Architecture> asked = rc.ask(per);
      assertThat(asked).isNotEmpty();
      for (Architecture a : asked) {
        seen.add(a);
        rc.tell(a, OptionalDouble.of(ReplicaGolden.reward(space, a)));
      }
    }
    return seen;
  }

  /** A factory that keeps the local servers it makes, to look inside them. */
  private static final class Keeping implements ParameterServer.Factory {
    final List<LocalParameterServer> made = new ArrayList<>();

    @Override
    public ParameterServer create(float[] initial, int shards, AdamSettings adam, int maxStaleness) {
      LocalParameterServer s = new LocalParameterServer(initial, shards, adam, maxStaleness);
      made.add(s);
      return s;
    }
  }

  @Test
  void oneReplicaOneShardAsksExactlyWhatItAskedBeforeReplicasExisted() throws Exception {
    // Recorded with the code before replicas were added (same runs as ReplicaGolden's).
    List<String> expected;
    try (var in = ReinforceReplicasTest.class.getResourceAsStream("reinforce-k1-asks.txt")) {
      expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
    List<String> actual = new ArrayList<>();
    ReinforceConfig explicit = config("{\"replicas\":1,\"shards\":1}");
    assertThat(explicit).isEqualTo(ReinforceConfig.defaults());
    assertThat(explicit.distributed()).isFalse();
    actual.addAll(ReplicaGolden.run(nb201, explicit, 7, 1, 300));
    actual.addAll(ReplicaGolden.run(new CellSpace(2, CellSpace.ENAS_OPS, 1, 8, 1), config("{\"batch\":4}"), 3, 3, 150));
    actual.addAll(ReplicaGolden.run(new ReinforceToySpaceTest.ToySpace(), ReinforceConfig.defaults(), 11, 4, 200));
    assertThat(actual).isEqualTo(expected);
    try (ReinforceController rc = new ReinforceController(nb201, explicit, 7)) {
      run(rc, nb201, 1, 40);
      assertThat(rc.updateLog()).isEmpty();
      assertThat(rc.snapshot().has("network")).isTrue();
      assertThat(rc.snapshot().has("server")).isFalse();
    }
  }

  @Test
  void roundRobinReplicasAreKMinusOneUpdatesStaleInSteadyState() throws Exception {
    int k = 4;
    int m = 3;
    Keeping servers = new Keeping();
    try (ReinforceController rc =
        new ReinforceController(nb201, config("{\"replicas\":4,\"shards\":3,\"batch\":3}"), 5, servers)) {
      // One at a time, as the tabular simulation runs: K*m architectures are in flight.
      List<Architecture> seen = run(rc, nb201, 1, k * m * 10);
      assertThat(rc.updates()).isEqualTo(40);
      List<ReinforceController.Update> log = rc.updateLog();
      assertThat(log).hasSize(40);
      for (ReinforceController.Update u : log) {
        assertThat(u.replica()).as("replicas push in turn").isEqualTo(u.index() % k);
        // First round: replica r pulled version 0 and pushes after r others; then always K-1.
        long expected = u.index() < k ? u.index() : k - 1;
        assertThat(u.staleness()).as("update %d", u.index()).containsOnly(expected);
        assertThat(u.applied()).containsOnly(true); // default max_staleness 2K
        assertThat(u.pulledVersions()).containsOnly(u.index() < k ? 0 : u.index() - k + 1);
      }
      assertThat(servers.made).hasSize(1);
      assertThat(servers.made.get(0).pull().versions()).containsOnly(40L);
      assertThat(rc.config().maxStaleness()).isEqualTo(8);
      double mean = log.stream().mapToDouble(ReinforceController.Update::meanStaleness).average().orElseThrow();
      System.out.printf("K=4 round robin, 40 updates: mean staleness %.3f%n", mean);
      assertThat(seen).allMatch(nb201::isValid);
      // A batch of 3 on each of 4 replicas: asking 12 at once hands out replica 1..4's slot 1 first.
      try (ReinforceController fresh =
          new ReinforceController(nb201, config("{\"replicas\":4,\"shards\":3,\"batch\":3}"), 5)) {
        List<Architecture> all = fresh.ask(100);
        assertThat(all).hasSize(12).isEqualTo(seen.subList(0, 12));
        assertThat(fresh.ask(1)).isEmpty();
      }
    }
  }

  @Test
  void shardUpdatesStalerThanMaxStalenessAreDroppedAndChangeNothing() throws Exception {
    Keeping servers = new Keeping();
    try (ReinforceController rc =
        new ReinforceController(nb201, config("{\"replicas\":4,\"shards\":2,\"batch\":2,\"max_staleness\":2}"), 8, servers)) {
      LocalParameterServer server = servers.made.get(0);
      List<ShardState> before = null;
      int seenLog = 0;
      int applied = 0;
      while (rc.updates() < 24) {
        before = server.state();
        for (Architecture a : rc.ask(1)) {
          rc.tell(a, OptionalDouble.of(ReplicaGolden.reward(nb201, a)));
        }
        List<ReinforceController.Update> log = rc.updateLog();
        if (log.size() > seenLog) {
          ReinforceController.Update u = log.get(log.size() - 1);
          seenLog = log.size();
          for (int s = 0; s < 2; s++) {
            assertThat(u.applied()[s]).as("update %d shard %d", u.index(), s).isEqualTo(u.staleness()[s] <= 2);
            if (u.applied()[s]) {
              applied++;
              assertThat(server.state().get(s).version()).isEqualTo(before.get(s).version() + 1);
            } else {
              assertThat(server.state().get(s)).isEqualTo(before.get(s));
            }
          }
        }
      }
      List<ReinforceController.Update> log = rc.updateLog();
      // Replica 4 pulled version 0 and comes back 3 updates later: dropped; from then on it is
      // always one behind the three others, which are 2 stale.
      assertThat(log.get(3).staleness()).containsOnly(3L);
      assertThat(log.get(3).dropped()).isEqualTo(2);
      assertThat(log.stream().filter(u -> u.dropped() > 0).count()).isEqualTo(6);
      assertThat(log.stream().filter(u -> u.dropped() > 0)).allMatch(u -> u.replica() == 3);
      assertThat(server.state().get(0).version() + server.state().get(1).version()).isEqualTo(applied);
    }
  }

  @Test
  void shardsAreContiguousAndAPushChangesOnlyItsShards() {
    assertThat(ParameterServer.bounds(10, 3)).containsExactly(0, 4, 7, 10);
    assertThat(ParameterServer.bounds(9, 3)).containsExactly(0, 3, 6, 9);
    assertThat(ParameterServer.bounds(5, 5)).containsExactly(0, 1, 2, 3, 4, 5);
    assertThatThrownBy(() -> ParameterServer.bounds(5, 6)).hasMessageContaining("5 parameters into 6 shards");
    float[] initial = new float[10];
    for (int i = 0; i < initial.length; i++) {
      initial[i] = i * 0.1f;
    }
    try (LocalParameterServer server = new LocalParameterServer(initial, 3, AdamSettings.of(0.01), 0)) {
      assertThat(server.pull().flat()).containsExactly(initial);
      assertThat(java.util.Arrays.stream(server.pull().values()).map(v -> v.length)).containsExactly(4, 3, 3);
      ParameterServer.Pulled pulled = server.pull();
      float[][] grads = {new float[4], {1f, -2f, 3f}, new float[3]};
      ParameterServer.Pushed pushed = server.push(grads, pulled.versions());
      assertThat(pushed.staleness()).containsExactly(0, 0, 0);
      assertThat(pushed.applied()).containsExactly(true, true, true);
      float[] after = server.pull().flat();
      for (int i = 0; i < 10; i++) {
        if (i >= 4 && i < 7) {
          assertThat(after[i]).as("value %d", i).isNotEqualTo(initial[i]);
        } else {
          assertThat(after[i]).as("value %d", i).isEqualTo(initial[i]); // Adam's step on a zero gradient is 0
        }
      }
      // A second push from the same pulled versions is 1 stale: max_staleness 0 drops it everywhere.
      ParameterServer.Pushed stale = server.push(grads, pulled.versions());
      assertThat(stale.staleness()).containsExactly(1, 1, 1);
      assertThat(stale.applied()).containsExactly(false, false, false);
      assertThat(server.pull().flat()).containsExactly(after);
    }
  }

  @Test
  void applyIsDjlAdamOnTheSameVector() {
    SplittableRandom random = new SplittableRandom(3);
    int n = 257;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) random.nextDouble(-1, 1);
    }
    AdamSettings adam = AdamSettings.of(0.006);
    ShardState state = ShardState.initial(w);
    // Reference 1: DJL's Adam (the controller's SavableAdam) on one live array for 6 steps.
    // Reference 2: Adam's formula in doubles.
    double[] rw = new double[n];
    double[] rm = new double[n];
    double[] rv = new double[n];
    for (int i = 0; i < n; i++) {
      rw[i] = w[i];
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray live = manager.create(w.clone());
      SavableAdam optimizer = new SavableAdam(adam.learningRate(), 0, Map.of(), manager);
      for (int t = 1; t <= 6; t++) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
          g[i] = (float) random.nextDouble(-2, 2);
        }
        ShardState next = ShardState.apply(state, g, adam);
        assertThat(state.steps()).isEqualTo(t - 1); // pure: the old state is unchanged
        state = next;
        try (NDArray grad = manager.create(g)) {
          optimizer.update("p", live, grad);
        }
        for (int i = 0; i < n; i++) {
          rm[i] = 0.9 * rm[i] + 0.1 * g[i];
          rv[i] = 0.999 * rv[i] + 0.001 * g[i] * g[i];
          double mh = rm[i] / (1 - Math.pow(0.9, t));
          double vh = rv[i] / (1 - Math.pow(0.999, t));
          rw[i] -= 0.006 * mh / (Math.sqrt(vh) + 1e-8);
        }
        float[] djl = live.toFloatArray();
        for (int i = 0; i < n; i++) {
          assertThat(state.values()[i]).as("step %d value %d", t, i).isCloseTo(djl[i], within(1e-6f));
          assertThat((double) state.values()[i]).isCloseTo(rw[i], within(1e-5));
        }
        List<float[]> moments = optimizer.moments("p");
        for (int i = 0; i < n; i++) {
          assertThat(state.m()[i]).isCloseTo(moments.get(0)[i], within(1e-6f));
          assertThat(state.v()[i]).isCloseTo(moments.get(1)[i], within(1e-6f));
        }
      }
      assertThat(state.steps()).isEqualTo(6);
      assertThat(state.version()).isEqualTo(6);
    }
  }

  @Test
  void oneShardStepFromThePushedGradientIsTheControllersOwnUpdate() {
    DecisionPlan plan = new DecisionPlan(nb201.decisions());
    ReinforceConfig config = ReinforceConfig.defaults();
    int[][] actions = {{0, 1, 2, 3, 4, 0}, {4, 3, 2, 1, 0, 4}, {1, 1, 1, 1, 1, 1}};
    float[] advantages = {1f, -0.5f, 0.25f};
    try (ControllerNetwork a = new ControllerNetwork(plan, config, 1);
        ControllerNetwork b = new ControllerNetwork(plan, config, 1)) {
      ShardState shard = ShardState.initial(b.flatWeights());
      for (int step = 0; step < 3; step++) {
        a.update(actions, advantages, 3, 0f);
        float[] before = b.flatWeights();
        float[] g = b.gradient(actions, advantages, 3, 0f);
        assertThat(b.flatWeights()).as("gradient() takes no step").containsExactly(before);
        assertThat(b.leftoverGradient()).isZero();
        shard = ShardState.apply(shard, g, AdamSettings.of(config.learningRate()));
        b.loadFlat(shard.values());
        float[] expected = a.flatWeights();
        for (int i = 0; i < expected.length; i++) {
          assertThat(shard.values()[i]).as("step %d value %d", step, i).isCloseTo(expected[i], within(1e-6f));
        }
      }
    }
  }

  @Test
  void loadedWeightsSurviveGarbageCollectionAndReplicasLeakNoArrays() throws Exception {
    DecisionPlan plan = new DecisionPlan(nb201.decisions());
    try (ControllerNetwork n = new ControllerNetwork(plan, ReinforceConfig.defaults(), 1)) {
      float[] w = n.flatWeights();
      for (int i = 0; i < w.length; i++) {
        w[i] = i * 1e-4f;
      }
      n.loadFlat(w);
      for (int i = 0; i < 5; i++) {
        byte[][] garbage = new byte[2000][];
        for (int j = 0; j < garbage.length; j++) {
          garbage[j] = new byte[4096];
        }
        System.gc();
      }
      assertThat(n.flatWeights()).containsExactly(w);
    }
    try (ReinforceController rc = new ReinforceController(nb201, config("{\"replicas\":3,\"shards\":2,\"batch\":2}"), 2)) {
      run(rc, nb201, 1, 30);
      int owned = rc.ownedArrays();
      run(rc, nb201, 1, 60);
      assertThat(rc.updates()).isGreaterThan(20);
      assertThat(rc.ownedArrays()).isEqualTo(owned);
    }
  }

  @Test
  void fourReplicasOnThreeShardsLearnTheToyReward() throws Exception {
    ReinforceToySpaceTest.ToySpace toy = new ReinforceToySpaceTest.ToySpace();
    List<Double> rewards = new ArrayList<>();
    try (ReinforceController rc = new ReinforceController(toy, config("{\"replicas\":4,\"shards\":3}"), 11)) {
      while (rewards.size() < 1200) {
        for (Architecture a : rc.ask(4)) {
          double r = toyReward(a);
          rewards.add(r);
          rc.tell(a, OptionalDouble.of(r));
        }
      }
      double early = rewards.subList(0, 200).stream().mapToDouble(d -> d).average().orElseThrow();
      double late = rewards.subList(1000, 1200).stream().mapToDouble(d -> d).average().orElseThrow();
      System.out.printf("toy space, K=4 S=3: mean reward %.3f (first 200) -> %.3f (last 200), %d updates%n",
          early, late, rc.updateLog().size());
      assertThat(late).isGreaterThan(early + 0.2);
      assertThat(rc.updateLog().stream().mapToInt(ReinforceController.Update::dropped).sum()).isZero();
    }
  }

  @Test
  void fourReplicasBeatRandomSearchOnNasBench201At500Queries() throws Exception {
    Map<Architecture, Double> table = Nb201Cifar10Val.load();
    List<Architecture> all = nb201.enumerate().toList();
    int seeds = 20;
    int queries = 500;
    double rl = 0;
    double random = 0;
    double staleness = 0;
    int updates = 0;
    for (int seed = 0; seed < seeds; seed++) {
      try (ReinforceController rc = new ReinforceController(nb201, config("{\"replicas\":4,\"shards\":3}"), seed)) {
        double best = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < queries; q++) {
          Architecture a = rc.ask(1).get(0);
          double r = table.get(a);
          best = Math.max(best, r);
          rc.tell(a, OptionalDouble.of(r));
        }
        rl += best;
        for (ReinforceController.Update u : rc.updateLog()) {
          staleness += u.meanStaleness();
          updates++;
        }
      }
      List<Architecture> shuffled = new ArrayList<>(all);
      java.util.Collections.shuffle(shuffled, new java.util.Random(dev.jnas.util.Rng.derive(seed, 99)));
      random += shuffled.subList(0, queries).stream().mapToDouble(table::get).max().orElseThrow();
    }
    rl /= seeds;
    random /= seeds;
    System.out.printf(
        "reinforce K=4 S=3 vs random, NAS-Bench-201 cifar10-val, %d queries, %d seeds: %.3f vs %.3f (margin %.3f);"
            + " mean staleness %.3f over %d updates%n",
        queries, seeds, rl, random, rl - random, staleness / updates, updates);
    assertThat(rl).isGreaterThan(random);
  }

  /** ReinforceToySpaceTest's reward: one point per favoured part, of three. */
  private static double toyReward(Architecture a) {
    int right = 0;
    right += a.get(ReinforceToySpaceTest.ToySpace.OUT_0) == 1 ? 1 : 0;
    right += a.get(ReinforceToySpaceTest.ToySpace.OUT_1) == 0 ? 1 : 0;
    right += a.get(ReinforceToySpaceTest.ToySpace.IN_2) == 2 ? 1 : 0;
    return right / 3.0;
  }

  @Test
  void restoredControllerWithReplicasContinuesExactly() throws Exception {
    ReinforceConfig c = config("{\"replicas\":4,\"shards\":3,\"batch\":3}");
    SearchSpace cell = new CellSpace(2, CellSpace.ENAS_OPS, 1, 8, 1);
    for (SearchSpace space : List.of(nb201, cell)) {
      try (ReinforceController live = new ReinforceController(space, c, 3);
          ReinforceController restored = new ReinforceController(space, c, 999)) {
        // Asking 5 at a time leaves batches open mid-way, asked but untold.
        List<Architecture> asked = live.ask(5);
        for (int i = 0; i < 37; i++) {
          Architecture a = asked.remove(0);
          live.tell(a, OptionalDouble.of(ReplicaGolden.reward(space, a)));
          if (asked.isEmpty()) {
            asked.addAll(live.ask(5));
          }
        }
        assertThat(live.updateLog()).isNotEmpty();
        ObjectNode snap = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(live.snapshot()));
        restored.restore(snap);
        assertThat(restored.snapshot()).isEqualTo(live.snapshot());
        assertThat(restored.updateLog()).isEqualTo(live.updateLog());
        for (Architecture a : asked) {
          live.tell(a, OptionalDouble.of(ReplicaGolden.reward(space, a)));
          restored.tell(a, OptionalDouble.of(ReplicaGolden.reward(space, a)));
        }
        assertThat(run(restored, space, 2, 60)).isEqualTo(run(live, space, 2, 60));
        assertThat(restored.updateLog()).isEqualTo(live.updateLog());
        assertThat(restored.snapshot()).isEqualTo(live.snapshot());
      }
    }
  }

  @Test
  void aSnapshotOfAnotherReplicaCountIsRefused() throws Exception {
    try (ReinforceController four = new ReinforceController(nb201, config("{\"replicas\":4}"), 1);
        ReinforceController two = new ReinforceController(nb201, config("{\"replicas\":2}"), 1);
        ReinforceController plain = new ReinforceController(nb201, ReinforceConfig.defaults(), 1)) {
      run(four, nb201, 1, 50);
      assertThatThrownBy(() -> two.restore(four.snapshot()))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("\"replicas\":4");
      assertThatThrownBy(() -> plain.restore(four.snapshot())).isInstanceOf(BadInputException.class);
      ObjectNode damaged = four.snapshot();
      ((ObjectNode) damaged.path("server").get(0)).put("m", "AAAA");
      assertThatThrownBy(() -> four.restore(damaged))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("shard 0");
    }
  }

  @Test
  void badDistributedParametersAreNamed() {
    assertThatThrownBy(() -> config("{\"replicas\":0}"))
        .hasMessage("strategy reinforce: parameter 'replicas' must be an integer >= 1, got 0");
    assertThatThrownBy(() -> config("{\"shards\":0}"))
        .hasMessage("strategy reinforce: parameter 'shards' must be an integer >= 1, got 0");
    assertThatThrownBy(() -> config("{\"max_staleness\":-1}"))
        .hasMessage("strategy reinforce: parameter 'max_staleness' must be an integer >= 0, got -1");
    assertThatThrownBy(() -> config("{\"replicas\":2.5}")).hasMessageContaining("'replicas'");
    assertThatThrownBy(() -> new ReinforceController(nb201, config("{\"shards\":1000000}"), 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'shards'")
        .hasMessageContaining("1000000");
  }

  @Test
  void maxStalenessDefaultsToTwiceTheReplicas() throws Exception {
    assertThat(config("{\"replicas\":4}").maxStaleness()).isEqualTo(8);
    assertThat(config("{}").maxStaleness()).isEqualTo(2);
    assertThat(config("{\"replicas\":4,\"max_staleness\":1}").maxStaleness()).isEqualTo(1);
    ReinforceConfig c = config("{\"replicas\":3,\"shards\":2}");
    assertThat(ReinforceConfig.fromJson(c.toJson())).isEqualTo(c);
    assertThat(c.toJson().path("max_staleness").intValue()).isEqualTo(6);
  }
}
