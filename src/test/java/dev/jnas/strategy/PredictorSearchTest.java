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
        "{\"restart_after\": -1}", "{\"reuse\": \"yes\"}", "{\"restart_initial\": -1}",
        "{\"restart_settled\": 1}", "{\"initial_design\": \"latin\"}");
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
    Strategy s =
        Strategies.create(
            "predictor", space, quick().put("exhaust_after", 1).put("restart_after", 3).put("restart_initial", 4), 5);
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
   * With {@code initial_design: balanced} (the default), a random start of 20 on NAS-Bench-201
   * (six decisions of five options) holds every option of every decision at least three times;
   * a uniform start leaves some option at most once on most seeds.
   */
  @Test
  void aBalancedStartCoversEveryOption() {
    NasBench201Space space = new NasBench201Space();
    int uniformGaps = 0;
    for (long seed = 0; seed < 5; seed++) {
      for (String design : new String[] {"balanced", "random"}) {
        Strategy s = Strategies.create("predictor", space, quick().put("initial", 20).put("initial_design", design), seed);
        int[][] count = new int[6][5];
        for (int i = 0; i < 20; i++) {
          List<Architecture> one = s.ask(1);
          assertThat(one).hasSize(1);
          for (int d = 0; d < 6; d++) {
            count[d][one.get(0).get(d)]++;
          }
          s.tell(one.get(0), OptionalDouble.of(i));
        }
        int fewest = java.util.Arrays.stream(count).flatMapToInt(java.util.Arrays::stream).min().orElseThrow();
        if (design.equals("balanced")) {
          assertThat(fewest).as("seed %d: the rarest option's count in a balanced start", seed).isGreaterThanOrEqualTo(3);
        } else if (fewest <= 1) {
          uniformGaps++;
        }
      }
    }
    assertThat(uniformGaps).as("uniform starts with an option seen at most once").isGreaterThanOrEqualTo(3);
  }

  /**
   * With {@code restart_settled}, a run whose best is settled (its whole neighbourhood evaluated,
   * nothing better) restarts at once, long before {@code restart_after} stalled rounds; without it
   * the run goes on. The new run begins with {@code restart_initial} random architectures: that
   * many asks before its first fit.
   */
  @Test
  void aSettledRunRestartsAtOnceWithItsOwnRandomStart() {
    NasBench201Space space = new NasBench201Space();
    for (boolean settled : new boolean[] {true, false}) {
      ObjectNode p =
          quick().put("exhaust_after", 1).put("restart_after", 1000).put("restart_settled", settled).put("restart_initial", 7);
      Strategy s = Strategies.create("predictor", space, p, 13);
      Set<Architecture> asked = new HashSet<>();
      Architecture best = null;
      int queries = 0;
      // the first ask is the best for good; its 24 neighbours score 0 like everything else, and
      // exhaustion asks all of them within 4 + 3 + 24 queries (rounds of 3)
      int limit = 4 + 3 + 24 + 3;
      while (s.snapshot().get("run_start").asInt() == 0 && queries < limit) {
        Architecture first = best;
        Architecture a = askOne(s, asked, x -> first == null ? 1 : 0);
        best = first == null ? a : first;
        queries++;
      }
      if (!settled) {
        assertThat(s.snapshot().get("run_start").asInt()).as("no restart without restart_settled").isZero();
        continue;
      }
      assertThat(asked).as("the settled best's whole neighbourhood was asked").containsAll(space.neighbours(best));
      int runStart = s.snapshot().get("run_start").asInt();
      assertThat(runStart).as("restarted once settled, after %d queries", queries).isPositive();
      int fits = s.snapshot().get("fits").asInt();
      int randomStart = 0;
      while (s.snapshot().get("fits").asInt() == fits) {
        askOne(s, asked, x -> 0);
        randomStart++;
      }
      // the ask that restarted the search was the new start's first, and the loop's last ask the
      // one that needed the new run's first fit: 1 + (randomStart - 1) random architectures
      assertThat(randomStart).as("the new run's random start").isEqualTo(7);
    }
  }

  /** Asks one architecture, checks it was never asked before, and tells {@code reward} of it. */
  private static Architecture askOne(
      Strategy s, Set<Architecture> asked, java.util.function.ToDoubleFunction<Architecture> reward) {
    List<Architecture> one = s.ask(1);
    assertThat(one).hasSize(1);
    assertThat(asked.add(one.get(0))).as("asked twice: %s", one.get(0)).isTrue();
    s.tell(one.get(0), OptionalDouble.of(reward.applyAsDouble(one.get(0))));
    return one.get(0);
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
   * A snapshot written before {@code restart_initial}, {@code restart_settled} and {@code
   * initial_design} existed restores into a search with a restart's random start as long as the
   * first, no restart on a settled best and uniform random starts (what it ran with); today's
   * defaults refuse it by its parameters.
   */
  @Test
  void aSnapshotFromBeforeSettledRestartsRestoresIntoASearchWithoutThem() {
    NasBench201Space space = new NasBench201Space();
    ObjectNode then =
        quick().put("exhaust_after", 1).put("restart_after", 2).put("restart_initial", 0).put("restart_settled", false)
            .put("initial_design", "random");
    Strategy original = Strategies.create("predictor", space, then, 6);
    for (int round = 0; round < 8; round++) {
      for (Architecture a : original.ask(3)) {
        original.tell(a, OptionalDouble.of(a.get(0) + 0.1 * a.get(1)));
      }
    }
    ObjectNode snap = original.snapshot();
    ((ObjectNode) snap.get("params")).remove(List.of("restart_initial", "restart_settled", "initial_design"));
    Strategy restored = Strategies.create("predictor", space, then, 6);
    restored.restore(snap);
    assertThat(restored.ask(3)).isEqualTo(original.ask(3));
    Strategy today = Strategies.create("predictor", space, quick().put("exhaust_after", 1).put("restart_after", 2), 6);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> today.restore(snap))
        .isInstanceOf(dev.jnas.util.BadInputException.class)
        .hasMessageContaining("snapshot was taken with parameters");
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
