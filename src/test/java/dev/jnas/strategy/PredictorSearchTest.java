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
    return Json.MAPPER.createObjectNode().put("initial", 4).put("batch", 3).put("steps", 20).put("candidates", 30);
  }

  @Override
  protected List<String> badParams() {
    return List.of(
        "{\"acquisition\": \"best\"}", "{\"initial\": 1}", "{\"batch\": 0}", "{\"kappa\": -1}", "{\"members\": 0}",
        "{\"steps\": \"many\"}");
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
   * A reward the predictor cannot learn: the sum above plus a bonus on one neighbour of its
   * optimum whose own change scores lowest. The predictor ranks that neighbour below hundreds of
   * others; with {@code exhaust_after}, a stalled search evaluates the best's neighbourhood and
   * finds it soon after the additive optimum.
   */
  @Test
  void aStalledSearchExhaustsTheBestsNeighbourhood() {
    NasBench201Space space = new NasBench201Space();
    int[] optimum = new int[6];
    for (int k = 0; k < 6; k++) {
      for (int v = 0; v < 5; v++) {
        if (edge(k, v) == 4) {
          optimum[k] = v;
        }
      }
    }
    int[] special = optimum.clone();
    for (int v = 0; v < 5; v++) {
      if (edge(0, v) == 0) {
        special[0] = v; // the worst op on edge 0: 20 by the sum
      }
    }
    Architecture bonus = new Architecture(space.name(), special);
    for (long seed = 0; seed < 2; seed++) {
      Strategy s =
          Strategies.create("predictor", space, Json.MAPPER.createObjectNode().put("initial", 10).put("batch", 5)
              .put("steps", 60).put("candidates", 200).put("exhaust_after", 2), seed);
      Set<String> asked = new HashSet<>();
      int foundAt = -1;
      for (int q = 1; q <= 250 && foundAt < 0; ) {
        for (Architecture a : s.ask(1)) {
          assertThat(asked.add(space.encode(a))).isTrue();
          double r = 0;
          for (int k = 0; k < a.size(); k++) {
            r += edge(k, a.get(k));
          }
          if (a.equals(bonus)) {
            r += 10;
            foundAt = q;
          }
          s.tell(a, OptionalDouble.of(r));
          q++;
        }
      }
      assertThat(foundAt).as("seed %d: queries to the bonus", seed).isPositive();
    }
  }

  private static int edge(int k, int v) {
    return (v * 7 + k * 3) % 5;
  }
}
