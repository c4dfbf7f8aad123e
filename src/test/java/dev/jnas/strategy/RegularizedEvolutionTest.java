package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RegularizedEvolutionTest extends StrategyContract {
  private final NasBench201Space nb201 = new NasBench201Space();

  @Override
  protected String strategyName() {
    return "evolution";
  }

  @Override
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode().put("population", 8).put("sample", 3);
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"population\": 1}", "{\"sample\": 0}", "{\"population\": \"big\"}", "{\"sample\": 2.5}", "{\"popsize\": 10}");
  }

  private static RegularizedEvolution evolution(NasBench201Space space, int p, int s) {
    return new RegularizedEvolution(space, Json.MAPPER.createObjectNode().put("population", p).put("sample", s), 1);
  }

  @Test
  void mutatesTheBestOfTheSampleAndTheOldestDies() {
    RegularizedEvolution e = evolution(nb201, 4, 1_000); // a sample this large always holds the best
    List<Architecture> initial = e.ask(4);
    double[] rewards = {10, 1, 2, 3}; // the oldest is the best
    for (int i = 0; i < 4; i++) {
      e.tell(initial.get(i), OptionalDouble.of(rewards[i]));
    }
    Architecture child = e.ask(1).get(0);
    assertThat(nb201.neighbours(initial.get(0))).contains(child);
    e.tell(child, OptionalDouble.of(0));
    assertThat(e.population()).containsExactly(initial.get(1), initial.get(2), initial.get(3), child);
  }

  @Test
  void childrenAreOneMutationFromAMember() {
    RegularizedEvolution e = evolution(nb201, 5, 2);
    for (Architecture a : e.ask(5)) {
      e.tell(a, OptionalDouble.of(reward(nb201, a)));
    }
    for (int i = 0; i < 30; i++) {
      List<Architecture> members = e.population();
      Architecture child = e.ask(1).get(0);
      assertThat(members.stream().anyMatch(m -> nb201.neighbours(m).contains(child))).isTrue();
      e.tell(child, OptionalDouble.of(reward(nb201, child)));
      assertThat(e.population()).hasSize(5).endsWith(child);
    }
  }

  @Test
  void failedTrialsDoNotJoinAndAsksAheadOfTellsStayRandomUntilFull() {
    RegularizedEvolution e = evolution(nb201, 4, 2);
    List<Architecture> first = e.ask(3);
    List<Architecture> second = e.ask(3); // 4 still random, 2 over: population empty, so random too
    assertThat(first).hasSize(3);
    assertThat(second).hasSize(3);
    e.tell(first.get(0), OptionalDouble.empty());
    e.tell(first.get(1), OptionalDouble.of(Double.NaN));
    e.tell(first.get(2), OptionalDouble.of(5));
    assertThat(e.population()).containsExactly(first.get(2));
    for (Architecture a : second) {
      e.tell(a, OptionalDouble.of(1));
    }
    assertThat(e.population()).hasSize(4);
  }
}
