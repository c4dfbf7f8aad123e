package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.space.LayerGraph.Layer;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerGraphTest {
  private static final String TEXT =
      "c1=conv3x3(6)<input; c2=conv3x3(6)<c1; r1=add<c1,c2; p1=pool<r1; c3=conv1x1(5)<p1; c4=conv3x3(4)<p1;"
          + " k1=concat<c3,c4,p1; c5=conv3x3(7)<k1";

  @Test
  void textAndJsonReadBackWhatWasWritten() throws Exception {
    LayerGraph g = LayerGraph.parse(TEXT);
    assertThat(g.layers()).hasSize(8);
    assertThat(g.toString()).isEqualTo(TEXT);
    assertThat(LayerGraph.parse(g.toString())).isEqualTo(g);
    String json = Json.MAPPER.writeValueAsString(g);
    assertThat(Json.MAPPER.readValue(json, LayerGraph.class)).isEqualTo(g);
    assertThat(LayerGraph.parse(" c1 = conv1x1(2) < input ;p=pool< c1")).isEqualTo(
        new LayerGraph(List.of(Layer.conv("c1", "input", 2, 1), Layer.pool("p", "c1"))));
  }

  @Test
  void shapesFollowTheLayers() {
    var s = LayerGraph.parse(TEXT).shapes(new LayerGraph.Shape(1, 28, 28));
    assertThat(s.get("r1")).isEqualTo(new LayerGraph.Shape(6, 28, 28));
    assertThat(s.get("p1")).isEqualTo(new LayerGraph.Shape(6, 14, 14));
    assertThat(s.get("k1")).isEqualTo(new LayerGraph.Shape(15, 14, 14));
    assertThat(s.get("c5")).isEqualTo(new LayerGraph.Shape(7, 14, 14));
    assertThat(LayerGraph.parse(TEXT).consumers("p1")).containsExactly("c3", "c4", "k1");
  }

  @Test
  void badGraphsAreRefusedNamingTheLayer() {
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x3(6)<input; c1=pool<c1")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("layer 'c1': the id is used twice");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x3(6)<c2; c2=pool<input"))
        .hasMessageContaining("layer 'c1': input 'c2' is not the input or an earlier layer");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv2x2(6)<input")).hasMessageContaining("odd kernel");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x1(6)<input")).hasMessageContaining("only square kernels");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x3(6)<input; a=add<c1")).hasMessageContaining("at least two inputs");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x3(6)<input; c2=conv3x3(6)<input"))
        .hasMessageContaining("layer 'c1': no layer reads it");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x3(6)<input; bad layer"))
        .hasMessageContaining("layer 2 'bad layer': expected");
    assertThatThrownBy(() -> LayerGraph.parse("c1=conv3x3(6)<input; p=pool<c1; a=add<p,c1").shapes(new LayerGraph.Shape(1, 8, 8)))
        .hasMessageContaining("layer 'a': adds inputs of different shapes");
    assertThatThrownBy(() -> LayerGraph.parse("p1=pool<input; p2=pool<p1").shapes(new LayerGraph.Shape(1, 3, 3)))
        .hasMessageContaining("layer 'p2': cannot pool a 1x1 map");
    assertThatThrownBy(() -> LayerGraph.parse(" ")).hasMessageContaining("empty");
  }
}
