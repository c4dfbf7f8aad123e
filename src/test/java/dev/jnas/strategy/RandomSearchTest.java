package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSearchTest extends StrategyContract {
  @Override
  protected String strategyName() {
    return "random";
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"dedupe\": \"yes\"}", "{\"dedup\": true}");
  }

  @Test
  void asksEveryArchitectureOnceThenIsExhausted() {
    ToySpace space = new ToySpace();
    RandomSearch s = new RandomSearch(space, null, 4);
    Set<Architecture> seen = new HashSet<>();
    for (int i = 0; i < 22; i++) {
      assertThat(s.isExhausted()).isFalse();
      List<Architecture> a = s.ask(1);
      assertThat(a).hasSize(1);
      assertThat(seen.add(a.get(0))).as("asked twice: %s", a.get(0)).isTrue();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(space.enumerate().toList());
    assertThat(s.isExhausted()).isTrue();
    assertThat(s.ask(5)).isEmpty();
  }

  @Test
  void aBatchHoldsNoRepeats() {
    List<Architecture> batch = new RandomSearch(new NasBench201Space(), null, 2).ask(2_000);
    assertThat(new HashSet<>(batch)).hasSize(2_000);
  }

  @Test
  void withoutDedupeRepeatsAndNeverRunsOut() {
    RandomSearch s = new RandomSearch(new ToySpace(), Json.MAPPER.createObjectNode().put("dedupe", false), 4);
    List<Architecture> asked = s.ask(200);
    assertThat(asked).hasSize(200);
    assertThat(new HashSet<>(asked).size()).isLessThanOrEqualTo(22);
    assertThat(s.isExhausted()).isFalse();
  }
}
