package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TournamentSelectionTest extends StrategyContract {
  private final NasBench201Space nb201 = new NasBench201Space();

  @Override
  protected String strategyName() {
    return "tournament";
  }

  @Override
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode().put("population", 8).put("tournament_size", 3).put("p", 0.7);
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"p\": 0}", "{\"p\": 1.5}", "{\"tournament_size\": 0}", "{\"population\": -3}", "{\"k\": 3}");
  }

  private TournamentSelection tournament(int population, int k, double p, long seed) {
    return new TournamentSelection(
        nb201, Json.MAPPER.createObjectNode().put("population", population).put("tournament_size", k).put("p", p), seed);
  }

  @Test
  void theWorstDiesNotTheOldest() {
    TournamentSelection t = tournament(4, 4, 1.0, 1); // whole population, always the best
    List<Architecture> initial = t.ask(4);
    double[] rewards = {10, 1, 2, 3};
    for (int i = 0; i < 4; i++) {
      t.tell(initial.get(i), OptionalDouble.of(rewards[i]));
    }
    Architecture child = t.ask(1).get(0);
    assertThat(nb201.neighbours(initial.get(0))).contains(child);
    t.tell(child, OptionalDouble.of(5));
    assertThat(t.population()).containsExactly(initial.get(0), initial.get(2), initial.get(3), child);
  }

  @Test
  void rankIsChosenWithGeometricProbabilities() {
    // Population of 3 with k = 3, p = 0.5: best 0.5, second 0.25, last the remaining 0.25.
    TournamentSelection t = tournament(3, 3, 0.5, 7);
    List<Architecture> members = t.ask(3);
    for (int i = 0; i < 3; i++) {
      t.tell(members.get(i), OptionalDouble.of(3 - i)); // members.get(0) is best
    }
    int n = 20_000;
    int[] counts = new int[3];
    for (int i = 0; i < n; i++) {
      counts[members.indexOf(t.selectParent().arch())]++;
    }
    assertThat(counts[0] / (double) n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    assertThat(counts[1] / (double) n).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));
    assertThat(counts[2] / (double) n).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));
  }
}
