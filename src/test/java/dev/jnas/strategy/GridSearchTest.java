package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridSearchTest extends StrategyContract {
  @Override
  protected String strategyName() {
    return "grid";
  }

  @Override
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode().put("shuffle", true);
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"shuffle\": 1}", "{\"order\": \"random\"}");
  }

  private static List<Architecture> askAll(GridSearch g) {
    List<Architecture> all = new ArrayList<>();
    while (!g.isExhausted()) {
      all.addAll(g.ask(5));
    }
    return all;
  }

  @Test
  void enumeratesTheSpaceInOrderThenIsExhausted() {
    ToySpace space = new ToySpace();
    GridSearch g = new GridSearch(space, null, 1);
    assertThat(askAll(g)).containsExactlyElementsOf(space.enumerate().toList());
    assertThat(g.ask(3)).isEmpty();
  }

  @Test
  void shuffleIsASeededPermutation() {
    ToySpace space = new ToySpace();
    JsonNode shuffle = Json.MAPPER.createObjectNode().put("shuffle", true);
    List<Architecture> a = askAll(new GridSearch(space, shuffle, 1));
    assertThat(a).containsExactlyInAnyOrderElementsOf(space.enumerate().toList());
    assertThat(a).isNotEqualTo(space.enumerate().toList());
    assertThat(askAll(new GridSearch(space, shuffle, 1))).isEqualTo(a);
    assertThat(askAll(new GridSearch(space, shuffle, 2))).isNotEqualTo(a);
  }

  @Test
  void rejectsASpaceTooLargeToEnumerate() {
    List<Decision> d = new ArrayList<>(Collections.nCopies(8, new Decision.IntRange("d", 0, 9)));
    AbstractSearchSpace huge = new AbstractSearchSpace("huge", d) {};
    assertThatThrownBy(() -> new GridSearch(huge, null, 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("huge")
        .hasMessageContaining("enumerate");
  }
}
