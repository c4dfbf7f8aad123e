package dev.jnas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.strategy.Strategies;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every component's parameters are bound one way: the same messages for spaces, strategies, the controller and models. */
class ComponentParamsTest {
  private static final SearchSpace SPACE = DeclarativeSpaces.of("decisions: [{name: k, options: [3, 5]}]");

  private static String message(Function<JsonNode, Object> create, String params) throws Exception {
    Throwable t = catchThrowable(() -> create.apply(Json.MAPPER.readTree(params)));
    assertThat(t).as(params).isInstanceOf(BadInputException.class);
    return t.getMessage();
  }

  @Test
  void unknownNamesAndFractionalIntegersReadAlikeEverywhere() throws Exception {
    record Case(String component, Function<JsonNode, Object> create, String intParam) {}
    for (Case c : new Case[] {
        new Case("search space nasbench201", p -> SearchSpaces.create("nasbench201", p), "channels"),
        new Case("search space nasrl-macro", p -> SearchSpaces.create("nasrl-macro", p), "layers"),
        new Case("search space cell", p -> SearchSpaces.create("cell", p), "blocks"),
        new Case("strategy evolution", p -> Strategies.create("evolution", SPACE, p, 1), "population"),
        new Case("strategy tournament", p -> Strategies.create("tournament", SPACE, p, 1), "tournament_size"),
        new Case("strategy reinforce", p -> Strategies.create("reinforce", SPACE, p, 1), "hidden"),
    }) {
      assertThat(message(c.create(), "{\"zzz\": 1}")).matches(c.component() + ": unknown parameter 'zzz' \\(valid: [a-z_, ]+\\)");
      assertThat(message(c.create(), "{\"" + c.intParam() + "\": 1.5}"))
          .isEqualTo(c.component() + ": parameter '" + c.intParam() + "' must be an integer, got 1.5");
      assertThat(message(c.create(), "{\"" + c.intParam() + "\": -7}"))
          .startsWith(c.component() + ": parameter '" + c.intParam() + "' must be an integer ")
          .endsWith(", got -7");
    }
    assertThat(message(p -> SearchSpaces.create("table", p), "{\"positions\": [\"ab\"], \"zzz\": 1}"))
        .isEqualTo("search space table: unknown parameter 'zzz' (valid: positions)");
    assertThat(message(p -> ModelBuilders.create("layers", SPACE, p), "{\"layers\": [{\"conv\": {\"kernel\": \"$k\", \"filters\": 1.5}}]}"))
        .isEqualTo("model layers: parameter 'layers[0].conv.filters' must be an integer in 1..65536 or a $decision, got 1.5");
  }
}
