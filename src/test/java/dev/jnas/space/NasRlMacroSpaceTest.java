package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class NasRlMacroSpaceTest {
  private final NasRlMacroSpace space = new NasRlMacroSpace(3, List.of(1, 3, 5), List.of(8, 16), false);

  @Test
  void decisionsFollowTheControllersOrder() {
    assertThat(space.decisions().stream().map(Decision::name))
        .containsExactly(
            "filter_height_0", "filter_width_0", "filters_0",
            "in_0_1", "filter_height_1", "filter_width_1", "filters_1",
            "in_0_2", "in_1_2", "filter_height_2", "filter_width_2", "filters_2");
    assertThat(space.decisions().get(7)).isEqualTo(new Decision.Connection("in_0_2", 0, 2));
  }

  @Test
  void stringListsEachLayersShapeAndInputs() {
    Architecture a = space.decode("3x5x16;1x1x8;5x3x8<0,1");
    assertThat(space.layers(a))
        .containsExactly(
            new NasRlMacroSpace.Layer(3, 5, 16, 1, List.of()),
            new NasRlMacroSpace.Layer(1, 1, 8, 1, List.of()),
            new NasRlMacroSpace.Layer(5, 3, 8, 1, List.of(0, 1)));
    assertThat(space.encode(a)).isEqualTo("3x5x16;1x1x8;5x3x8<0,1");
  }

  @Test
  void stridesAreWrittenOnlyWhenSearched() {
    NasRlMacroSpace strided = new NasRlMacroSpace(2, List.of(3), List.of(8), true);
    Architecture a = strided.decode("3x3x8s2;3x3x8s1<0");
    assertThat(strided.layers(a).get(0).stride()).isEqualTo(2);
    assertThatThrownBy(() -> strided.decode("3x3x8;3x3x8s1<0"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer 0")
        .hasMessageContaining("stride");
    assertThatThrownBy(() -> space.decode("3x3x8s1;1x1x8;1x1x8"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("does not search strides");
  }

  @Test
  void namesTheBadLayerAndPart() {
    assertThatThrownBy(() -> space.decode("3x5x16;1x7x8;5x3x8"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer 1")
        .hasMessageContaining("filter width '7'")
        .hasMessageContaining("1, 3, 5");
    assertThatThrownBy(() -> space.decode("3x5x16;1x1x8<1;5x3x8"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer 1")
        .hasMessageContaining("input '1'");
    assertThatThrownBy(() -> space.decode("3x5x16;1x1x8;5x3x8<1,0"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> space.decode("3x5x16;1x1x8"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("expected 3");
  }

  @Test
  void paramsAreCheckedByName() throws Exception {
    assertThat(((NasRlMacroSpace) SearchSpaces.create("nasrl-macro", null)).layers()).isEqualTo(6);
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"depth\": 3}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'depth'")
        .hasMessageContaining("layers, filter_sizes, filters, strides");
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"filter_sizes\": [2, 3]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("filter_sizes")
        .hasMessageContaining("odd");
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"strides\": \"yes\"}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("strides");
  }
  @Test
  void enasOpsReplaceTheFilterDecisions() {
    NasRlMacroSpace ops = NasRlMacroSpace.withOps(3, NasRlMacroSpace.ENAS_OPS, 8);
    assertThat(ops.decisions().stream().map(Decision::name))
        .containsExactly("op_0", "in_0_1", "op_1", "in_0_2", "in_1_2", "op_2");
    assertThat(ops.searchesOps()).isTrue();
    assertThat(ops.width()).isEqualTo(8);
    Architecture a = ops.decode("sep5x5;conv3x3;avg3x3<0,1");
    assertThat(ops.opLayers(a))
        .containsExactly(
            new NasRlMacroSpace.OpLayer("sep5x5", List.of()),
            new NasRlMacroSpace.OpLayer("conv3x3", List.of()),
            new NasRlMacroSpace.OpLayer("avg3x3", List.of(0, 1)));
    assertThat(ops.encode(a)).isEqualTo("sep5x5;conv3x3;avg3x3<0,1");
    assertThatThrownBy(() -> ops.layers(a)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> space.opLayers(space.sample(dev.jnas.util.Rng.of(1))))
        .isInstanceOf(IllegalStateException.class);
    // the default space is unchanged
    assertThat(new NasRlMacroSpace().searchesOps()).isFalse();
    assertThat(new NasRlMacroSpace().decisions()).hasSize(6 * 3 + 15);
  }

  @Test
  void enasOpStringsNameTheBadLayerAndPart() {
    NasRlMacroSpace ops = NasRlMacroSpace.withOps(3, List.of("conv3x3", "max3x3"), 8);
    assertThatThrownBy(() -> ops.decode("conv3x3;sep3x3;max3x3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer 1")
        .hasMessageContaining("op 'sep3x3'")
        .hasMessageContaining("conv3x3, max3x3");
    assertThatThrownBy(() -> ops.decode("conv3x3<0;max3x3;max3x3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer 0")
        .hasMessageContaining("no earlier layer");
    assertThatThrownBy(() -> ops.decode("conv3x3;max3x3;max3x3<1,0"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> ops.decode("3x3x8;max3x3;max3x3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("op '3x3x8'");
    assertThatThrownBy(() -> ops.decode("conv3x3;max3x3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("expected 3")
        .hasMessageContaining("conv3x3<0,1");
  }

  @Test
  void enasOpsParamsAreChecked() throws Exception {
    NasRlMacroSpace six = (NasRlMacroSpace) SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree(
        "{\"ops\": [\"conv3x3\", \"conv5x5\", \"sep3x3\", \"sep5x5\", \"max3x3\", \"avg3x3\"]}"));
    assertThat(six.ops()).isEqualTo(NasRlMacroSpace.ENAS_OPS);
    assertThat(six.width()).isEqualTo(NasRlMacroSpace.DEFAULT_WIDTH);
    assertThat(six.layers()).isEqualTo(NasRlMacroSpace.DEFAULT_LAYERS);
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"ops\": [\"conv7x7\"]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'ops'")
        .hasMessageContaining("conv3x3, conv5x5, sep3x3, sep5x5, max3x3, avg3x3");
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"ops\": [\"conv3x3\"], \"filters\": [8, 16]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'filters'")
        .hasMessageContaining("one count");
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"ops\": [\"conv3x3\"], \"filter_sizes\": [3]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'filter_sizes'")
        .hasMessageContaining("not with 'ops'");
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-macro", Json.MAPPER.readTree("{\"ops\": [\"conv3x3\"], \"strides\": false}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'strides'");
  }
}
