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

class LocalSearchTest extends StrategyContract {
  @Override
  protected String strategyName() {
    return "local";
  }

  /** Neighbourhoods of at most 5: the contract's runs then see several climbs and restarts. */
  @Override
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode().put("max_neighbours", 5);
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"max_neighbours\": -1}", "{\"max_neighbours\": \"all\"}");
  }

  @Test
  void climbsToTheOptimumOfASmoothRewardAndNeverAsksAnArchitectureTwiceWithinAClimb() {
    NasBench201Space space = new NasBench201Space();
    Strategy s = Strategies.create("local", space, Json.MAPPER.createObjectNode(), 3);
    // reward = sum of the op indices: the optimum is every edge at the last op, reachable by single steps
    double best = Double.NEGATIVE_INFINITY;
    Set<String> asked = new HashSet<>();
    int repeats = 0;
    for (int i = 0; i < 200; i++) {
      for (Architecture a : s.ask(1)) {
        repeats += asked.add(space.encode(a)) ? 0 : 1;
        double r = 0;
        for (int k = 0; k < a.size(); k++) {
          r += a.get(k);
        }
        best = Math.max(best, r);
        s.tell(a, OptionalDouble.of(r));
      }
    }
    assertThat(best).isEqualTo(6 * 4.0);
    assertThat(repeats).isZero();
  }

  @Test
  void restartsFromALocalOptimum() {
    NasBench201Space space = new NasBench201Space();
    JsonNode p = Json.MAPPER.createObjectNode();
    Strategy s = Strategies.create("local", space, p, 5);
    // a flat reward: no neighbour ever improves, so each climb stops after one neighbourhood
    int starts = 0;
    Architecture first = null;
    for (int i = 0; i < 3 * 25; i++) {
      for (Architecture a : s.ask(1)) {
        if (first == null) {
          first = a;
        }
        s.tell(a, OptionalDouble.of(1.0));
      }
    }
    // 6 edges x 4 other ops = 24 neighbours per climb, plus its start: 75 asks are 3 climbs
    assertThat(space.neighbours(first)).hasSize(24);
    ObjectNodeCheck.assertSeenCount(s, 75);
  }

  /** Reads the snapshot's evaluated architectures. */
  static final class ObjectNodeCheck {
    static void assertSeenCount(Strategy s, int n) {
      assertThat(s.snapshot().get("seen")).hasSize(n);
    }
  }
}
