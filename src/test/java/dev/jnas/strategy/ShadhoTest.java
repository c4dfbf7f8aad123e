package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jnas.space.Architecture;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShadhoTest extends StrategyContract {
  /** lr over 3 decades; sgd (momentum, nesterov), adam (beta1) or plain: three subspaces. */
  static final String NESTED = """
      parameters:
        learning_rate: {log_uniform: [1.0e-4, 0.1]}
        optimizer:
          choice:
            sgd:
              momentum: {uniform: [0.8, 0.99]}
              nesterov: [true, false]
            adam: {beta1: {uniform: [0.8, 0.95]}}
            plain: {}
      """;

  @Override
  protected String strategyName() {
    return "shadho";
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"min_results\": 0}", "{\"decay\": -1}", "{\"reassign_every\": 0}", "{\"decay\": \"fast\"}");
  }

  static HyperparameterSpace nested() {
    return HyperparameterSpace.fromParams(DeclarativeSpaces.yaml(NESTED));
  }

  private static Map<String, Subspace> byKey(SearchSpace space) {
    Map<String, Subspace> m = new HashMap<>();
    Subspace.of(space).forEach(s -> m.put(s.key(), s));
    return m;
  }

  @Test
  void complexityIsTheProductOverTheSubspacesDomains() {
    Map<String, Subspace> s = byKey(nested());
    assertThat(s).containsOnlyKeys("optimizer=sgd", "optimizer=adam", "optimizer=plain");
    // lr: 2 + 99% of 3 decades of exponents; momentum: 2 + 0.99 x 0.19; nesterov: 2 - 1/2; beta1: 2 + 0.99 x 0.15
    double lr = 2 + 0.99 * 3;
    assertThat(s.get("optimizer=sgd").complexity()).isCloseTo(lr * (2 + 0.99 * 0.19) * 1.5, within(1e-9));
    assertThat(s.get("optimizer=adam").complexity()).isCloseTo(lr * (2 + 0.99 * 0.15), within(1e-9));
    assertThat(s.get("optimizer=plain").complexity()).isCloseTo(lr, within(1e-9));
    assertThat(s.get("optimizer=sgd").domains()).hasSize(3);
    // a space with plain choices only: one subspace, 2 - 1/|s| per decision
    Subspace nb = Subspace.of(new dev.jnas.space.NasBench201Space()).get(0);
    assertThat(Subspace.of(new dev.jnas.space.NasBench201Space())).hasSize(1);
    assertThat(nb.complexity()).isCloseTo(Math.pow(2 - 1 / 5.0, 6), within(1e-9));
    // the declarative contract space: adam, and sgd/rmsprop with each momentum (which switches nesterov)
    assertThat(Subspace.of(DeclarativeSpaces.conditional())).hasSize(7);
  }

  @Test
  void priorityIsOneOverTheBestLossMinusOneOverTheWorst() {
    assertThat(ShadhoScheduler.priority(List.of(0.2, 0.5, 0.4), 3)).isCloseTo(5 - 2, within(1e-12));
    assertThat(ShadhoScheduler.priority(List.of(0.2, 0.5), 3)).isEqualTo(1.0);
    assertThat(ShadhoScheduler.priority(List.of(0.25, 0.25, 0.25), 3)).isZero();
    // a perfect result (loss 0) is clamped, not a division by zero
    assertThat(ShadhoScheduler.priority(List.of(0.0, 0.5, 0.5), 3)).isCloseTo(1e9 - 2, within(1e-3));
  }

  @Test
  void rankingMultipliesTheRanksOfComplexityAndPriority() {
    HyperparameterSpace space = nested();
    ShadhoScheduler sch = new ShadhoScheduler(Subspace.of(space), 3, 0.5);
    Map<String, Subspace> s = byKey(space);
    int sgd = s.get("optimizer=sgd").index();
    int adam = s.get("optimizer=adam").index();
    int plain = s.get("optimizer=plain").index();
    // priorities all 1 (tied rank 1): the complexity order, sgd > adam > plain
    assertThat(sch.ranking()).containsExactly(sgd, adam, plain);
    // plain finds a good setting among bad ones (P = 1/0.1 - 1/0.9 = 8.9); sgd and adam stay flat
    for (double loss : new double[] {0.1, 0.9, 0.5}) {
      sch.record(plain, OptionalDouble.of(1 - loss));
    }
    for (int k = 0; k < 3; k++) {
      sch.record(sgd, OptionalDouble.of(0.5));
      sch.record(adam, OptionalDouble.of(0.4 + 0.01 * k));
    }
    assertThat(sch.priority(plain)).isCloseTo(1 / 0.1 - 1 / 0.9, within(1e-9));
    assertThat(sch.priority(sgd)).isZero();
    // ranks: complexity sgd 3, adam 2, plain 1; priority sgd 1, adam 2, plain 3 -> 3, 4, 3
    assertThat(sch.ranking()).containsExactly(adam, sgd, plain);
  }

  @Test
  void trialsGoToEverySubspaceFirstThenByRankWithPlanckWeights() {
    HyperparameterSpace space = nested();
    Strategy s = Strategies.create("shadho", space, Json.MAPPER.createObjectNode(), 4);
    List<Subspace> subs = Subspace.of(space);
    Map<String, Integer> count = new HashMap<>();
    List<String> first = new java.util.ArrayList<>();
    int n = 3000;
    for (int k = 0; k < n; k++) {
      Architecture a = s.ask(1).get(0);
      String key = Subspace.key(space, a);
      if (k < 3) {
        first.add(key);
      }
      count.merge(key, 1, Integer::sum);
      s.tell(a, OptionalDouble.of(0.5)); // the same loss everywhere: priorities 0, the complexity order decides
    }
    assertThat(first).containsExactly("optimizer=sgd", "optimizer=adam", "optimizer=plain");
    double z = 1 + Math.exp(-0.5) + Math.exp(-1);
    assertThat(count.get("optimizer=sgd") / (double) n).isCloseTo(1 / z, within(0.03));
    assertThat(count.get("optimizer=adam") / (double) n).isCloseTo(Math.exp(-0.5) / z, within(0.03));
    assertThat(count.get("optimizer=plain") / (double) n).isCloseTo(Math.exp(-1) / z, within(0.03));
    assertThat(subs).hasSize(3);
  }

  @Test
  void assignsSubspacesToWorkersFastestFirstEachToItsWorkerAndANeighbour() {
    var w = List.of(
        new ShadhoScheduler.WorkerSpeed("a", 10), new ShadhoScheduler.WorkerSpeed("b", 5),
        new ShadhoScheduler.WorkerSpeed("c", 20), new ShadhoScheduler.WorkerSpeed("d", 40));
    // fewer subspaces than workers: b (fastest) gets the best only, d (slowest) the worst only
    assertThat(ShadhoScheduler.assign(List.of(7, 3), w))
        .containsExactly(Map.entry("b", List.of(7)), Map.entry("a", List.of(7, 3)), Map.entry("c", List.of(7, 3)),
            Map.entry("d", List.of(3)));
    // more subspaces than workers: proportional blocks, each also given to the neighbour
    assertThat(ShadhoScheduler.assign(List.of(0, 1, 2, 3, 4, 5, 6, 7), w))
        .containsExactly(Map.entry("b", List.of(0, 1)), Map.entry("a", List.of(0, 1, 2, 3, 4, 5)),
            Map.entry("c", List.of(2, 3, 4, 5, 6, 7)), Map.entry("d", List.of(6, 7)));
    assertThat(ShadhoScheduler.assign(List.of(1, 0), List.of(new ShadhoScheduler.WorkerSpeed("x", 1))))
        .containsExactly(Map.entry("x", List.of(1, 0)));
  }

  @Test
  void concurrentTrialsAreWorkersAndTheSlowestDrawsFromTheLowestRankedSubspace() {
    HyperparameterSpace space = nested();
    Shadho s = (Shadho) Strategies.create("shadho", space, Json.MAPPER.createObjectNode(), 9);
    Map<String, Subspace> subs = byKey(space);
    // four slots; slot k takes k + 1 seconds per trial
    List<Architecture> first = s.ask(4);
    for (int k = 0; k < 4; k++) {
      s.tell(first.get(k), OptionalDouble.of(0.5), k + 1);
    }
    List<Architecture> again = s.ask(4); // slots 0..3 again, in order
    Set<String> slowest = new java.util.HashSet<>();
    Set<String> fastest = new java.util.HashSet<>();
    for (int round = 0; round < 60; round++) {
      for (int k = 0; k < 4; k++) {
        s.tell(again.get(k), OptionalDouble.of(0.5), k + 1);
        Architecture next = s.ask(1).get(0); // the slot just freed
        if (round >= 10) { // once every subspace has the results its priority needs, the ranking is the complexity order
          (k == 3 ? slowest : k == 0 ? fastest : new java.util.HashSet<String>()).add(Subspace.key(space, next));
        }
        again.set(k, next);
      }
    }
    // three subspaces, four workers: the fastest gets the top-ranked (sgd), the slowest the last (plain)
    assertThat(fastest).containsExactly(subs.get("optimizer=sgd").key());
    assertThat(slowest).containsExactly(subs.get("optimizer=plain").key());
  }

  @Test
  void aReplayedAskThatDiffersAdoptsTheStoredArchitectures() {
    HyperparameterSpace space = nested();
    Shadho original = (Shadho) Strategies.create("shadho", space, Json.MAPPER.createObjectNode(), 2);
    var snapshot = original.snapshot();
    List<Architecture> stored = List.of(space.sample(dev.jnas.util.Rng.of(5)),
        space.sample(dev.jnas.util.Rng.of(6)));
    Shadho resumed = (Shadho) Strategies.create("shadho", space, Json.MAPPER.createObjectNode(), 2);
    resumed.restore(snapshot);
    assertThat(resumed.replayAsk(stored)).isEqualTo(stored);
    // they are in flight now, in their subspaces' counts, and never asked again
    assertThat(resumed.snapshot().get("in_flight")).hasSize(2);
    int asks = 0;
    for (Subspace sub : resumed.scheduler().subspaces()) {
      asks += resumed.scheduler().asks(sub.index());
    }
    assertThat(asks).isEqualTo(2);
    for (Architecture a : stored) {
      resumed.tell(a, OptionalDouble.of(0.5), 3.0);
    }
    assertThat(resumed.snapshot().get("in_flight")).isEmpty();
    for (int k = 0; k < 200; k++) {
      assertThat(stored).doesNotContain(resumed.ask(1).get(0));
    }
  }

  @Test
  void theExperimentLoopTellsTrialTimesSoConcurrentTrialsGetAssignedSubspaces() {
    HyperparameterSpace space = nested();
    Shadho s = (Shadho) Strategies.create("shadho", space, Json.MAPPER.createObjectNode(), 1);
    // plain SGD trials take 1 s, the others 4 s: the times the evaluator reports reach the strategy
    dev.jnas.evaluate.Evaluator e = (arch, ctx) -> {
      boolean plain = space.values(arch).get("optimizer").equals("plain");
      double r = 0.5 + (arch.hashCode() & 0xff) / 1000.0;
      return new dev.jnas.evaluate.TrialResult(dev.jnas.evaluate.TrialStatus.COMPLETE, List.of(), r, Double.NaN, r, 0, 0,
          plain ? 1.0 : 4.0, null);
    };
    var store = new dev.jnas.store.InMemoryTrialStore();
    store.createExperiment("hp", "{}", "{}");
    var trials = new dev.jnas.experiment.ExperimentRunner(space, s, e, store,
        new dev.jnas.experiment.RunSettings(40, null, 3, 1, 1), null).run();
    assertThat(trials).hasSize(40).allSatisfy(t -> assertThat(t.status()).isEqualTo(dev.jnas.evaluate.TrialStatus.COMPLETE));
    var snapshot = s.snapshot();
    assertThat(snapshot.get("timing").size()).isBetween(2, 3);
    assertThat(snapshot.get("assignment").size()).isEqualTo(snapshot.get("timing").size());
  }
}
