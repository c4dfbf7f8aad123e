package dev.jnas.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One binding for every component's parameters, with the same messages everywhere. */
class ParamsTest {
  record Inner(Integer kernel, String act) {}

  record Sample(Integer cellsPerStage, Double rate, Boolean flag, List<Integer> sizes, Inner inner, List<Inner> items) {}

  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  private static String error(String params) throws Exception {
    JsonNode p = json(params);
    try {
      Params.bind("thing x", p, Sample.class);
    } catch (BadInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + params);
  }

  @Test
  void bindsSnakeCaseKeysAndLeavesAbsentOnesNull() throws Exception {
    Sample s = Params.bind("thing x", json("{\"cells_per_stage\": 3, \"rate\": 1, \"sizes\": [1, 2]}"), Sample.class);
    assertThat(s.cellsPerStage()).isEqualTo(3);
    assertThat(s.rate()).isEqualTo(1.0);
    assertThat(s.sizes()).containsExactly(1, 2);
    assertThat(s.flag()).isNull();
    assertThat(Params.bind("thing x", null, Sample.class).cellsPerStage()).isNull();
    assertThat(Params.toJson(s).toString()).isEqualTo("{\"cells_per_stage\":3,\"rate\":1.0,\"sizes\":[1,2]}");
  }

  @Test
  void unknownNamesListTheValidOnesInDeclarationOrderWithTheirPath() throws Exception {
    assertThat(error("{\"bogus\": 1}"))
        .isEqualTo("thing x: unknown parameter 'bogus' (valid: cells_per_stage, rate, flag, sizes, inner, items)");
    assertThat(error("{\"inner\": {\"kernal\": 3}}")).isEqualTo("thing x: unknown parameter 'inner.kernal' (valid: kernel, act)");
    assertThat(error("{\"items\": [{}, {\"x\": 1}]}")).isEqualTo("thing x: unknown parameter 'items[1].x' (valid: kernel, act)");
  }

  @Test
  void valuesOfTheWrongKindNameTheParameterAndWhatItMustBe() throws Exception {
    assertThat(error("{\"cells_per_stage\": 1.5}")).isEqualTo("thing x: parameter 'cells_per_stage' must be an integer, got 1.5");
    assertThat(error("{\"cells_per_stage\": \"3\"}")).isEqualTo("thing x: parameter 'cells_per_stage' must be an integer, got \"3\"");
    assertThat(error("{\"cells_per_stage\": 10000000000}"))
        .isEqualTo("thing x: parameter 'cells_per_stage' must be an integer between -2147483648 and 2147483647, got 10000000000");
    assertThat(error("{\"flag\": 1}")).isEqualTo("thing x: parameter 'flag' must be true or false, got 1");
    assertThat(error("{\"rate\": \"fast\"}")).isEqualTo("thing x: parameter 'rate' must be a number, got \"fast\"");
    assertThat(error("{\"sizes\": 3}")).isEqualTo("thing x: parameter 'sizes' must be a list, got 3");
    assertThat(error("{\"sizes\": [1, 2.5]}")).isEqualTo("thing x: parameter 'sizes[1]' must be an integer, got 2.5");
    assertThat(error("{\"inner\": 3}")).isEqualTo("thing x: parameter 'inner' must be an object, got 3");
    assertThat(error("{\"items\": [{}, {\"kernel\": true}]}"))
        .isEqualTo("thing x: parameter 'items[1].kernel' must be an integer, got true");
    assertThat(error("[1]")).isEqualTo("thing x: parameters must be an object of name: value, got [1]");
  }

  @Test
  void rangeChecksUseTheSameForm() {
    assertThat(Params.atLeast("thing x", "n", null, 5, 1)).isEqualTo(5);
    assertThat(Params.bad("thing x", "n", "an integer >= 1", 0)).hasMessage("thing x: parameter 'n' must be an integer >= 1, got 0");
  }
}
