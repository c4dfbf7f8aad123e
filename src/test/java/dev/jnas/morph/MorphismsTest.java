package dev.jnas.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.jnas.model.GraphNetwork;
import dev.jnas.space.LayerGraph;
import dev.jnas.space.LayerGraph.Layer;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Rng;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class MorphismsTest {
  private static final LayerGraph.Shape INPUT = new LayerGraph.Shape(3, 8, 8);
  private static final Shape IN = new Shape(3, 8, 8);

  /** Conv stack with batch norm, a residual sum, pooling, and a concatenation before the head. */
  static final LayerGraph GRAPH =
      new LayerGraph(List.of(
          Layer.conv("c1", LayerGraph.INPUT, 6, 3),
          Layer.conv("c2", "c1", 6, 3),
          Layer.add("r1", "c1", "c2"),
          Layer.pool("p1", "r1"),
          Layer.conv("c3", "p1", 5, 1),
          Layer.conv("c4", "p1", 4, 3),
          Layer.concat("k1", "c3", "c4", "p1"),
          Layer.conv("c5", "k1", 7, 3)));

  /** A trained-looking network: random weights and random batch-norm statistics. */
  static Map<String, NDArray> randomWeights(LayerGraph g, NDManager m, long seed) {
    GraphNetwork net = new GraphNetwork(g, IN, 4);
    net.initialize(m, DataType.FLOAT32, new Shape(2).addAll(IN));
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, NDArray> w = net.weights(m);
    w.replaceAll((name, a) -> {
      float[] v = new float[(int) a.size()];
      for (int i = 0; i < v.length; i++) {
        double x = r.nextGaussian();
        v[i] = (float) (name.endsWith(".var") ? 0.5 + r.nextDouble() : name.endsWith(".gamma") ? 1 + 0.3 * x : 0.3 * x);
      }
      return m.create(v, a.getShape());
    });
    return w;
  }

  /** The network's inference output for {@code x}. */
  private static NDArray output(LayerGraph g, Map<String, NDArray> w, NDArray x, NDManager m) {
    GraphNetwork net = new GraphNetwork(g, IN, 4);
    net.initialize(m, DataType.FLOAT32, new Shape(2).addAll(IN));
    net.load(w);
    return net.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
  }

  static double change(Morphisms.Child child, LayerGraph parent, Map<String, NDArray> w, NDManager m, long seed) {
    SplittableRandom r = new SplittableRandom(seed + 1);
    float[] v = new float[5 * 3 * 8 * 8];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    NDArray x = m.create(v, new Shape(5).addAll(IN));
    NDArray before = output(parent, w, x, m);
    NDArray after = output(child.graph(), child.weights(), x, m);
    assertThat(after.getShape()).isEqualTo(before.getShape());
    assertThat(before.abs().max().getFloat()).as("a network that outputs something").isGreaterThan(1e-3f);
    return before.sub(after).abs().max().getFloat();
  }

  @Property(tries = 12)
  void exactMorphismsKeepTheOutputs(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w = randomWeights(GRAPH, m, seed);
      Rng rng = Rng.of(seed);
      for (String after : List.of("c1", "c2", "r1", "p1", "c4", "k1", "c5")) {
        Morphisms.Child c = Morphisms.deepen(GRAPH, w, INPUT, after, 3, m);
        assertThat(change(c, GRAPH, w, m, seed)).as("deepen after %s", after).isLessThan(1e-4);
        assertThat(c.graph().layers()).hasSize(GRAPH.layers().size() + 1);
      }
      for (String conv : List.of("c1", "c2", "c3", "c4", "c5")) { // c1 and c2 meet in a sum: widened together
        Morphisms.Child c = Morphisms.widen(GRAPH, w, INPUT, conv, GRAPH.layer(conv).filters() + 3, rng, m);
        assertThat(change(c, GRAPH, w, m, seed)).as("widen %s", conv).isLessThan(1e-4);
        assertThat(c.graph().layer(conv).filters()).isEqualTo(GRAPH.layer(conv).filters() + 3);
      }
      for (String[] ft : new String[][] {{"c1", "c2"}, {LayerGraph.INPUT, "c1"}, {"p1", "c3"}, {"c3", "k1"}, {"k1", "c5"}}) {
        Morphisms.Child c = Morphisms.addSkip(GRAPH, w, INPUT, ft[0], ft[1], 3, rng, m);
        assertThat(change(c, GRAPH, w, m, seed)).as("skip %s -> %s", ft[0], ft[1]).isLessThan(1e-4);
      }
    }
  }

  @Test
  void morphismsCompose() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w = randomWeights(GRAPH, m, 7);
      Rng rng = Rng.of(7);
      Morphisms.Child a = Morphisms.widen(GRAPH, w, INPUT, "c4", 9, rng, m);
      Morphisms.Child b = Morphisms.deepen(a.graph(), a.weights(), INPUT, "c4", 1, m);
      Morphisms.Child c = Morphisms.addSkip(b.graph(), b.weights(), INPUT, "p1", b.graph().output().id(), 3, rng, m);
      String deep = b.graph().consumers("c4").get(0);
      Morphisms.Child d = Morphisms.widen(c.graph(), c.weights(), INPUT, deep, 12, rng, m);
      assertThat(change(d, GRAPH, w, m, 7)).isLessThan(1e-4);
      assertThat(d.graph().layers()).hasSize(GRAPH.layers().size() + 3);
    }
  }

  @Test
  void wideningAnOperandOfASumWidensEveryOperandThroughPoolingAndSums() {
    // c2's sum reaches c1 through the pooling; the second sum ties c3 to the first
    LayerGraph g =
        LayerGraph.parse("c1=conv3x3(4)<input; p=pool<c1; c2=conv3x3(4)<p; a=add<p,c2; c3=conv1x1(4)<a; b=add<c3,a;"
            + " k=concat<b,p; c4=conv3x3(5)<k");
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w = randomWeights(g, m, 5);
      for (String id : List.of("c1", "c2", "c3")) {
        Morphisms.Child c = Morphisms.widen(g, w, INPUT, id, 7, Rng.of(5), m);
        assertThat(List.of("c1", "c2", "c3")).allMatch(t -> c.graph().layer(t).filters() == 7);
        assertThat(c.graph().layer("c4").filters()).isEqualTo(5);
        assertThat(change(c, g, w, m, 5)).as("widen %s", id).isLessThan(1e-4);
      }
    }
  }

  @Test
  void approximateMorphismsChangeTheOutputsButBuildWorkingNetworks() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w = randomWeights(GRAPH, m, 11);
      Morphisms.Child shrunk = Morphisms.shrink(GRAPH, w, INPUT, "c4", 2, m);
      assertThat(shrunk.graph().layer("c4").filters()).isEqualTo(2);
      assertThat(change(shrunk, GRAPH, w, m, 11)).isGreaterThan(1e-4);
      Morphisms.Child removed = Morphisms.remove(GRAPH, w, INPUT, "c2");
      assertThat(removed.graph().layer("r1").inputs()).containsExactly("c1", "c1");
      assertThat(removed.weights()).doesNotContainKey("c2.weight");
      assertThat(change(removed, GRAPH, w, m, 11)).isGreaterThan(1e-4);
    }
  }

  @Test
  void shrinkKeepsTheFiltersOfLargestNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w = randomWeights(GRAPH, m, 3);
      float[] norms = w.get("c3.weight").square().sum(new int[] {1, 2, 3}).toFloatArray();
      Morphisms.Child c = Morphisms.shrink(GRAPH, w, INPUT, "c3", 3, m);
      float[] kept = c.weights().get("c3.weight").square().sum(new int[] {1, 2, 3}).toFloatArray();
      float[] sorted = norms.clone();
      java.util.Arrays.sort(sorted);
      float[] keptSorted = kept.clone();
      java.util.Arrays.sort(keptSorted);
      assertThat(keptSorted).containsExactly(sorted[2], sorted[3], sorted[4]);
      // the reader lost the dropped channels' weights: 5 + 4 + 6 input channels became 3 + 4 + 6
      assertThat(c.weights().get("c5.weight").getShape()).isEqualTo(new Shape(7, 13, 3, 3));
    }
  }

  @Test
  void refusedMorphismsSayWhy() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> w = randomWeights(GRAPH, m, 1);
      Rng rng = Rng.of(1);
      assertThat(Morphisms.canRemap(GRAPH, "c1")).isTrue();
      assertThat(Morphisms.widen(GRAPH, w, INPUT, "c2", 9, rng, m).graph().layer("c1").filters()).isEqualTo(9);
      // a sum with the input image, or with a concatenation, cannot follow a widened operand
      LayerGraph withInput = LayerGraph.parse("c0=conv1x1(3)<input; a=add<input,c0");
      LayerGraph withConcat =
          LayerGraph.parse("c0=conv1x1(2)<input; c1=conv1x1(2)<input; k=concat<c0,c1; c2=conv1x1(4)<input; a=add<k,c2");
      assertThat(Morphisms.canRemap(withInput, "c0")).isFalse();
      assertThat(Morphisms.canRemap(withConcat, "c0")).isFalse();
      assertThat(Morphisms.canRemap(withConcat, "c2")).isFalse();
      Map<String, NDArray> wi = randomWeights(withInput, m, 2);
      assertThatThrownBy(() -> Morphisms.widen(withInput, wi, INPUT, "c0", 5, rng, m))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("reach a sum with the input image or a concatenation");
      assertThatThrownBy(() -> Morphisms.widen(GRAPH, w, INPUT, "p1", 9, rng, m)).hasMessageContaining("must be a convolution");
      assertThatThrownBy(() -> Morphisms.addSkip(GRAPH, w, INPUT, "c1", "c3", 3, rng, m)).hasMessageContaining("same size");
      assertThatThrownBy(() -> Morphisms.addSkip(GRAPH, w, INPUT, "c3", "c1", 3, rng, m)).hasMessageContaining("come before");
      assertThatThrownBy(() -> Morphisms.remove(GRAPH, w, INPUT, "c3")).hasMessageContaining("as many channels");
      assertThatThrownBy(() -> Morphisms.deepen(GRAPH, w, INPUT, "nope", 3, m)).hasMessageContaining("no layer 'nope'");
    }
  }
}
