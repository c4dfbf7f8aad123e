package dev.jnas.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

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
  void messages() throws Exception {
    for (String p : List.of(
        "{\"bogus\": 1}", "{\"inner\": {\"kernal\": 3}}", "{\"items\": [{}, {\"x\": 1}]}",
        "{\"cells_per_stage\": 1.5}", "{\"cells_per_stage\": \"3\"}", "{\"cells_per_stage\": 1e10}",
        "{\"cells_per_stage\": 10000000000}", "{\"flag\": 1}", "{\"flag\": \"yes\"}", "{\"rate\": \"fast\"}",
        "{\"sizes\": 3}", "{\"sizes\": [1, \"a\"]}", "{\"sizes\": [1, 2.5]}", "{\"inner\": 3}", "{\"inner\": {\"kernel\": true}}",
        "{\"items\": [{}, {\"kernel\": 2.5}]}", "[1]")) {
      System.out.println(p + " -> " + error(p));
    }
  }
}
