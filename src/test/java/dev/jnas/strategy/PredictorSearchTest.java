package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** A small, quick predictor: the contract runs many rounds. */
  @Override
  protected JsonNode params() {
    // exhaust_after 1: the contract's snapshot and replay checks cover the stall count too
    return Json.MAPPER.createObjectNode().put("initial", 4).put("batch", 3).put("steps", 20).put("candidates", 30)
        .put("exhaust_after", 1);
  }

  @Override
  protected List<String> badParams() {
    return List.of(
        "{\"acquisition\": \"best\"}", "{\"initial\": 1}", "{\"batch\": 0}", "{\"kappa\": -1}", "{\"members\": 0}",
        "{\"steps\": \"many\"}", "{\"target\": \"logit\"}", "{\"log_scale\": 0}");
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
      Strategy s = create(space, seed);
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
    Strategy s =
        Strategies.create("predictor", space,
            Json.MAPPER.createObjectNode().put("initial", 4).put("batch", 3).put("steps", 20).put("candidates", 30)
                .put("exhaust_after", 1), 3);
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
}
