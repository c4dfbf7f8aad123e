package dev.jnas.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.jnas.model.GraphNetwork;
import dev.jnas.space.Architecture;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.LayerGraph;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Space {@code graph}: handles on layer graphs that go through text, changed by morphisms. */
class GraphSpaceTest {
  static GraphSpace space(String params) throws Exception {
    return (GraphSpace) SearchSpaces.create("graph", Json.MAPPER.readTree(params));
  }

  @Property(tries = 30)
  void samplesMutationsAndNeighboursAreGraphsThatFitTheInputAndReadBackFromText(
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) throws Exception {
    GraphSpace s = space("{\"input\": [3, 16, 16], \"sample_changes\": 4}");
    Rng rng = Rng.of(seed);
    Architecture a = s.sample(rng);
    for (int i = 0; i < 6; i++) {
      assertThat(s.violation(a)).isEmpty();
      LayerGraph g = s.graph(a);
      g.shapes(s.input()); // fits
      // the text is the whole network: a fresh space object reads it back to the same graph
      GraphSpace other = space("{\"input\": [3, 16, 16]}");
      assertThat(other.graph(other.decode(s.encode(a)))).isEqualTo(g);
      assertThat(s.fromJson(s.toJson(a))).isEqualTo(a);
      Architecture child = s.mutate(a, rng);
      assertThat(s.graph(child)).isNotEqualTo(g);
      a = child;
    }
    var neighbours = s.neighbours(a);
    assertThat(neighbours).isNotEmpty().doesNotHaveDuplicates().doesNotContain(a);
    assertThat(neighbours).allSatisfy(n -> assertThat(s.violation(n)).isEmpty());
  }

  @Test
  void theSameSeedSamplesTheSameNetworks() throws Exception {
    GraphSpace s = space("{}");
    assertThat(s.encode(s.sample(Rng.of(3)))).isEqualTo(s.encode(s.sample(Rng.of(3))));
    assertThat(s.sample(Rng.of(0))).isNotEqualTo(s.start());
    assertThat(space("{\"sample_changes\": 0}").sample(Rng.of(1))).satisfies(a -> assertThat(a.get(0)).isZero());
  }

  @Test
  void foreignArchitecturesAndBadTextsAreRefused() throws Exception {
    GraphSpace s = space("{}");
    assertThat(s.violation(new Architecture("graph", new int[] {99}))).get().asString().contains("is not a graph of this space");
    assertThat(s.violation(new Architecture("cell", new int[] {0}))).get().asString().contains("belongs to space 'cell'");
    assertThatThrownBy(() -> s.decode("c1=conv3x3(4)<input; p=pool<c1; p2=pool<p; p3=pool<p2; p4=pool<p3; p5=pool<p4"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("does not fit input").hasMessageContaining("cannot pool a 1x1 map");
    assertThatThrownBy(s::enumerate).hasMessageContaining("open-ended");
    assertThat(s.isEnumerable()).isFalse();
    assertThatThrownBy(() -> space("{\"input\": [1, 28]}")).hasMessageContaining("parameter 'input' must be [channels, height, width]");
    assertThatThrownBy(() -> space("{\"start\": \"c1=conv2x2(4)<input\"}")).hasMessageContaining("parameter 'start'")
        .hasMessageContaining("odd kernel");
  }

  /** Sizes computed from the graph alone are those of the built network (LEMONADE ranks children by them). */
  @Property(tries = 8)
  void parameterAndMultiplyAddCountsFromTheGraphMatchTheBuiltNetwork(@ForAll @LongRange(min = 0, max = 1_000_000) long seed)
      throws Exception {
    GraphSpace s = space("{\"input\": [3, 12, 12], \"sample_changes\": 6}");
    LayerGraph g = s.graph(s.sample(Rng.of(seed)));
    GraphNetwork net = new GraphNetwork(g, new Shape(3, 12, 12), 7);
    try (NDManager m = NDManager.newBaseManager()) {
      net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 12, 12));
      long counted = 0;
      for (var p : net.getParameters()) {
        if (p.getValue().requiresGradient()) {
          counted += p.getValue().getArray().size();
        }
      }
      assertThat(GraphNetwork.parameterCount(g, s.input(), 7)).isEqualTo(counted);
      assertThat(GraphNetwork.flops(g, s.input(), 7)).isEqualTo(net.flops());
      net.forward(new ParameterStore(m, false), new ai.djl.ndarray.NDList(m.randomNormal(new Shape(2, 3, 12, 12))), false);
    }
  }
}
