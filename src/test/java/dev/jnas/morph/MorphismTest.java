package dev.jnas.morph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.jnas.space.LayerGraph;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class MorphismTest {
  private static final LayerGraph.Shape INPUT = new LayerGraph.Shape(3, 8, 8);

  /** Chains of random morphisms: exact ones keep the outputs, every child builds and takes its weights. */
  @Property(tries = 10)
  void randomChainsOfMorphismsStayConsistent(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    Rng rng = Rng.of(seed);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w0 = MorphismsTest.randomWeights(MorphismsTest.GRAPH, m, seed);
      for (boolean approximate : new boolean[] {false, true}) {
        LayerGraph g = MorphismsTest.GRAPH;
        Map<String, NDArray> w = w0;
        boolean allExact = true;
        List<Morphism> applied = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
          List<Morphism> options = Morphism.candidates(g, INPUT, approximate, rng);
          assertThat(options).isNotEmpty();
          Morphism op = options.get(rng.nextInt(options.size()));
          Morphisms.Child c = op.apply(g, w, INPUT, m);
          assertThat(c.graph()).as("%s: the graph alone is the graph with weights", op).isEqualTo(op.graph(g, INPUT));
          allExact &= op.exact();
          applied.add(op);
          g = c.graph();
          w = c.weights();
        }
        double change = MorphismsTest.change(new Morphisms.Child(g, w, ""), MorphismsTest.GRAPH, w0, m, seed);
        if (allExact) {
          assertThat(change).as("%s", applied).isLessThan(1e-4);
        }
      }
    }
  }

  @Test
  void approximateCandidatesOnlyWhenAsked() {
    List<Morphism> exact = Morphism.candidates(MorphismsTest.GRAPH, INPUT, false, Rng.of(1));
    List<Morphism> all = Morphism.candidates(MorphismsTest.GRAPH, INPUT, true, Rng.of(1));
    assertThat(exact).allMatch(Morphism::exact);
    assertThat(all).anyMatch(o -> o instanceof Morphism.Shrink).anyMatch(o -> o instanceof Morphism.Remove);
    // c1 and c2 feed one sum: each can be widened (with the other); c2 (6 -> 6 channels after c1) can be removed
    assertThat(exact).anyMatch(o -> o instanceof Morphism.Widen wd && wd.layer().equals("c2"));
    assertThat(all).contains(new Morphism.Remove("c2")).doesNotContain(new Morphism.Remove("c1"));
  }

  @Test
  void morphismsAreRecordedAsJson() throws Exception {
    List<Morphism> ops =
        List.of(new Morphism.Deepen("c1", 3), new Morphism.Widen("c4", 6, 42), new Morphism.Skip("input", "c1", 3, 7),
            new Morphism.Shrink("c3", 2), new Morphism.Remove("c2"));
    String json = Json.MAPPER.writerFor(new TypeReference<List<Morphism>>() {}).writeValueAsString(ops);
    assertThat(Json.MAPPER.readTree(json).get(1).get("op").asText()).isEqualTo("widen");
    assertThat(Json.MAPPER.readValue(json, new TypeReference<List<Morphism>>() {})).isEqualTo(ops);
  }
}
