package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The strategy contract for {@code predictor} (dev.jnas.predict.PredictorSearch), plus its search behaviour. */
class PredictorSearchTest extends StrategyContract {
  @Override
  protected String strategyName() {
    return "predictor";
  }

  /** A small, quick predictor: 4 random architectures, rounds of 3, 20 fit steps, 30 random candidates. */
  private static ObjectNode quick() {
    return Json.MAPPER.createObjectNode().put("initial", 4).put("batch", 3).put("steps", 20).put("candidates", 30);
  }

  /** A small, quick predictor: the contract runs many rounds. */
  @Override
  protected JsonNode params() {
    // exhaust_after and restart_after: the contract's snapshot and replay checks cover the stall
    // count and the current run's start too
    return quick().put("exhaust_after", 1).put("restart_after", 3).put("reuse", true);
  }

  @Override
  protected List<String> badParams() {
    return List.of(
        "{\"acquisition\": \"best\"}", "{\"initial\": 1}", "{\"batch\": 0}", "{\"kappa\": -1}", "{\"members\": 0}",
        "{\"steps\": \"many\"}", "{\"target\": \"logit\"}", "{\"log_scale\": 0}",
        "{\"restart_after\": -1}", "{\"reuse\": \"yes\"}");
  }

  /**
   * On a reward that a model can learn (a sum of per-edge values), the predictor-driven search
   * finds the optimum of NAS-Bench-201's 15,625 cells within 100 queries, which random search
   * does with probability under 1 %, and never asks an architecture twice.
   */
  @Test
  void findsTheOptimumOfALearnableRewardFastAndNeverRepeats() {
    NasBench201Space space = new NasBench201Space();
    for (long seed = 0; seed < 2; seed++) {
      // without restarts: a new run after 3 stalled rounds of 3 would spend the 100 queries on new starts
      Strategy s = Strategies.create("predictor", space, ((ObjectNode) params()).put("restart_after", 0), seed);
      Set<String> asked = new HashSet<>();
      double best = Double.NEGATIVE_INFINITY;
      int queries = 0;
      while (queries < 100) {
        for (Architecture a : s.ask(1)) {
          assertThat(asked.add(space.encode(a))).as("asked twice: %s", space.encode(a)).isTrue();
          double r = 0;
          for (int k = 0; k < a.size(); k++) {
            r += (a.get(k) * 7 + k * 3) % 5; // each edge's best op differs
          }
          best = Math.max(best, r);
          s.tell(a, OptionalDouble.of(r));
          queries++;
        }
      }
      assertThat(best).as("seed %d", seed).isEqualTo(6 * 4.0);
    }
  }

  /**
   * With {@code exhaust_after: 1}, once a round passes without a better result, the following
   * rounds ask the best architecture's unevaluated neighbours, all of them, before anything else.
   */
  @Test
  void aStalledSearchExhaustsTheBestsNeighbourhood() {
    NasBench201Space space = new NasBench201Space();
    Strategy s = Strategies.create("predictor", space, quick().put("exhaust_after", 1).put("restart_after", 0), 3);
    List<Architecture> first = s.ask(4);
    Architecture best = first.get(0);
    s.tell(best, OptionalDouble.of(1)); // the best for good: everything after scores 0
    first.subList(1, 4).forEach(a -> s.tell(a, OptionalDouble.of(0)));
    Set<Architecture> neighbours = new HashSet<>(space.neighbours(best));
    for (Architecture a : s.ask(3)) { // the first refill sets the mark: an ordinary round
      neighbours.remove(a); // (its pool holds the best's neighbours too)
      s.tell(a, OptionalDouble.of(0));
    }
    Set<Architecture> asked = new HashSet<>();
    while (asked.size() < neighbours.size()) {
      List<Architecture> round = s.ask(3);
      assertThat(round).isNotEmpty();
      for (Architecture a : round) {
        assertThat(neighbours).as("round %d asks a neighbour of the best", asked.size() / 3).contains(a);
        assertThat(asked.add(a)).isTrue();
        s.tell(a, OptionalDouble.of(0));
      }
    }
    // the neighbourhood is exhausted: the search goes on beyond it
    assertThat(s.ask(3)).isNotEmpty().allMatch(a -> !neighbours.contains(a) && !a.equals(best));
  }

  /**
   * With {@code restart_after: 3}, three rounds without a better result start a new run: {@code
   * initial} fresh random architectures, then a predictor that knows only the new run's results
   * (so a stalled search gets out of the region its first results pulled it into). Seen from
   * outside: once the new run stalls, it exhausts the neighbourhood of the new run's best, not of
   * the better architecture the first run found; and nothing is ever asked twice.
   */
  @Test
  void aRestartedRunSearchesAroundItsOwnBest() {
    NasBench201Space space = new NasBench201Space();
    Strategy s = Strategies.create("predictor", space, quick().put("exhaust_after", 1).put("restart_after", 3), 5);
    Set<Architecture> asked = new HashSet<>();
    java.util.function.Function<Double, Architecture> askOne = reward -> {
      List<Architecture> one = s.ask(1);
      assertThat(one).hasSize(1);
      assertThat(asked.add(one.get(0))).as("asked twice: %s", space.encode(one.get(0))).isTrue();
      s.tell(one.get(0), OptionalDouble.of(reward));
      return one.get(0);
    };
    Architecture firstBest = askOne.apply(1.0);
    for (int i = 1; i < 4 + 3 * 3; i++) { // the rest of the random start, then three rounds that stall
      askOne.apply(0.0);
    }
    // the fourth refill restarts: a fresh random start whose best is worse than the first run's
    Architecture runBest = askOne.apply(0.5);
    for (int i = 1; i < 4 + 3; i++) { // the rest of the new start, then one ordinary round
      askOne.apply(0.0);
    }
    Set<Architecture> around = new HashSet<>(space.neighbours(runBest));
    Set<Architecture> aroundFirst = new HashSet<>(space.neighbours(firstBest));
    int outsideFirst = 0;
    for (int i = 0; i < 6; i++) {
      Architecture a = askOne.apply(0.0);
      assertThat(around).as("ask %d after the new run stalled: a neighbour of the new run's best", i).contains(a);
      outsideFirst += aroundFirst.contains(a) ? 0 : 1;
    }
    assertThat(outsideFirst).as("asks that no search around the first run's best would make").isPositive();
  }

  /**
   * With {@code reuse}, a restarted run's acquisition may pick architectures an earlier run
   * evaluated: their results join the new run without a query. Seen from outside: nothing is asked
   * twice, the snapshot lists the reused architectures, every one of them told before the run
   * began, and the search (a learnable reward, restarts after 2 stalled rounds) still ends at the
   * optimum; without {@code reuse} nothing is reused.
   */
  @Test
  void aRestartedRunTakesEarlierRunsResultsWithoutAskingThem() {
    NasBench201Space space = new NasBench201Space();
    for (boolean reuse : new boolean[] {true, false}) {
      Strategy s =
          Strategies.create(
              "predictor", space, quick().put("exhaust_after", 1).put("restart_after", 2).put("reuse", reuse), 11);
      java.util.Map<String, Integer> toldAt = new java.util.HashMap<>();
      int reusedSeen = 0;
      double best = Double.NEGATIVE_INFINITY;
      for (int q = 0; q < 200; ) {
        for (Architecture a : s.ask(1)) {
          String key = space.encode(a);
          assertThat(toldAt.put(key, q)).as("asked twice: %s", key).isNull();
          double r = 0;
          for (int k = 0; k < a.size(); k++) {
            r += (a.get(k) * 7 + k * 3) % 5;
          }
          best = Math.max(best, r);
          s.tell(a, OptionalDouble.of(r));
          q++;
        }
        ObjectNode snap = s.snapshot();
        int runStart = snap.get("run_start").asInt();
        for (JsonNode k : snap.get("reused")) {
          assertThat(toldAt.get(k.asText())).as("reused %s", k.asText()).isNotNull().isLessThan(runStart);
          reusedSeen++;
        }
      }
      if (reuse) {
        assertThat(reusedSeen).as("reused results over the search").isPositive();
      } else {
        assertThat(reusedSeen).isZero();
      }
      assertThat(best).as("reuse %s", reuse).isEqualTo(6 * 4.0);
    }
  }

  /**
   * A snapshot written before {@code restart_after} and {@code reuse} existed (its parameters lack
   * them) restores into a search without restarts and reuse, which then asks what the original
   * does; today's defaults (restarts) refuse it by its parameters.
   */
  @Test
  void aSnapshotFromBeforeRestartsAndReuseRestoresIntoASearchWithoutThem() {
    NasBench201Space space = new NasBench201Space();
    ObjectNode then = quick().put("restart_after", 0).put("reuse", false);
    Strategy original = Strategies.create("predictor", space, then, 4);
    for (int round = 0; round < 3; round++) {
      for (Architecture a : original.ask(4)) {
        original.tell(a, OptionalDouble.of(a.get(0) + 0.1 * a.get(1)));
      }
    }
    ObjectNode snap = original.snapshot();
    ((ObjectNode) snap.get("params")).remove(List.of("restart_after", "reuse"));
    Strategy restored = Strategies.create("predictor", space, then, 4);
    restored.restore(snap);
    assertThat(restored.ask(4)).isEqualTo(original.ask(4));
    Strategy today = Strategies.create("predictor", space, quick(), 4);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> today.restore(snap))
        .isInstanceOf(dev.jnas.util.BadInputException.class)
        .hasMessageContaining("snapshot was taken with parameters");
  }
}
