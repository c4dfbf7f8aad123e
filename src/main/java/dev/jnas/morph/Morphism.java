package dev.jnas.morph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.jnas.space.LayerGraph;
import dev.jnas.space.LayerGraph.Kind;
import dev.jnas.space.LayerGraph.Layer;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One morphism with its arguments, as a value: recorded with a child trial (Jackson writes it with
 * a {@code "op"} field), it turns the parent's graph and weights into the child's again, the same
 * every time (the random parts draw from {@code seed}). {@link #candidates} lists those that apply
 * to a graph, for strategies to choose from.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Morphism.Deepen.class, name = "deepen"),
  @JsonSubTypes.Type(value = Morphism.Widen.class, name = "widen"),
  @JsonSubTypes.Type(value = Morphism.Skip.class, name = "skip"),
  @JsonSubTypes.Type(value = Morphism.Shrink.class, name = "shrink"),
  @JsonSubTypes.Type(value = Morphism.Remove.class, name = "remove")
})
public sealed interface Morphism {
  /** Whether the child computes what its parent computed (in inference). */
  boolean exact();

  /** The child of {@code g} with weights {@code w} (named as GraphNetwork names them). */
  Morphisms.Child apply(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, NDManager manager);

  /** The child's graph alone (no weights needed): what a strategy proposes. */
  LayerGraph graph(LayerGraph g, LayerGraph.Shape input);

  /** Inserts an identity {@code kernel x kernel} convolution after layer {@code after}. */
  record Deepen(String after, int kernel) implements Morphism {
    @Override
    public boolean exact() {
      return true;
    }

    @Override
    public Morphisms.Child apply(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, NDManager manager) {
      return Morphisms.deepen(g, w, input, after, kernel, manager);
    }

    @Override
    public LayerGraph graph(LayerGraph g, LayerGraph.Shape input) {
      int c = g.shapes(input).get(after).channels();
      String id = g.freshId("d");
      return g.redirecting(after, after, List.of(Layer.conv(id, after, c, kernel)), id);
    }
  }

  /** Widens convolution {@code layer} to {@code filters} filters (copies drawn from {@code seed}). */
  record Widen(String layer, int filters, long seed) implements Morphism {
    @Override
    public boolean exact() {
      return true;
    }

    @Override
    public Morphisms.Child apply(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, NDManager manager) {
      return Morphisms.widen(g, w, input, layer, filters, Rng.of(seed), manager);
    }

    @Override
    public LayerGraph graph(LayerGraph g, LayerGraph.Shape input) {
      return Morphisms.withTiedFilters(g, layer, filters);
    }
  }

  /** Adds a zero-initialized convolution branch from {@code from} onto {@code to}. */
  record Skip(String from, String to, int kernel, long seed) implements Morphism {
    @Override
    public boolean exact() {
      return true;
    }

    @Override
    public Morphisms.Child apply(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, NDManager manager) {
      return Morphisms.addSkip(g, w, input, from, to, kernel, Rng.of(seed), manager);
    }

    @Override
    public LayerGraph graph(LayerGraph g, LayerGraph.Shape input) {
      String conv = g.freshId("s");
      String sum = g.freshId("a");
      int c = g.shapes(input).get(to).channels();
      return g.redirecting(to, to, List.of(Layer.conv(conv, from, c, kernel), Layer.add(sum, to, conv)), sum);
    }
  }

  /** Keeps the {@code filters} largest-norm filters of convolution {@code layer} (approximate). */
  record Shrink(String layer, int filters) implements Morphism {
    @Override
    public boolean exact() {
      return false;
    }

    @Override
    public Morphisms.Child apply(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, NDManager manager) {
      return Morphisms.shrink(g, w, input, layer, filters, manager);
    }

    @Override
    public LayerGraph graph(LayerGraph g, LayerGraph.Shape input) {
      return Morphisms.withTiedFilters(g, layer, filters);
    }
  }

  /** Removes convolution {@code layer}, its readers reading its input (approximate). */
  record Remove(String layer) implements Morphism {
    @Override
    public boolean exact() {
      return false;
    }

    @Override
    public Morphisms.Child apply(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, NDManager manager) {
      return Morphisms.remove(g, w, input, layer);
    }

    @Override
    public LayerGraph graph(LayerGraph g, LayerGraph.Shape input) {
      return g.removing(layer, g.layer(layer).inputs().get(0));
    }
  }

  /**
   * Every morphism that applies to {@code g}: deepening after each layer (3x3), widening each
   * widenable convolution by half (at least one filter), a skip between each pair of layers with
   * maps of one size (3x3); with {@code approximate}, also halving each shrinkable convolution and
   * removing each removable one. Random parts draw seeds from {@code rng}.
   */
  static List<Morphism> candidates(LayerGraph g, LayerGraph.Shape input, boolean approximate, RandomGenerator rng) {
    Map<String, LayerGraph.Shape> shapes = g.shapes(input);
    List<Morphism> out = new ArrayList<>();
    List<Layer> layers = g.layers();
    for (Layer l : layers) {
      out.add(new Deepen(l.id(), 3));
      boolean remappable = l.kind() == Kind.CONV && Morphisms.canRemap(g, l.id());
      if (remappable) {
        out.add(new Widen(l.id(), l.filters() + Math.max(1, l.filters() / 2), rng.nextLong()));
        if (approximate && l.filters() > 1) {
          out.add(new Shrink(l.id(), Math.max(1, l.filters() / 2)));
        }
      }
      String in = l.inputs().get(0);
      boolean lastNeedsItsInputBefore = l == g.output() && (layers.size() < 2 || !layers.get(layers.size() - 2).id().equals(in));
      if (approximate && l.kind() == Kind.CONV && !in.equals(LayerGraph.INPUT)
          && shapes.get(in).equals(shapes.get(l.id())) && !lastNeedsItsInputBefore) {
        out.add(new Remove(l.id()));
      }
    }
    List<String> from = new ArrayList<>();
    from.add(LayerGraph.INPUT);
    for (Layer to : layers) {
      LayerGraph.Shape t = shapes.get(to.id());
      for (String f : from) {
        LayerGraph.Shape s = shapes.get(f);
        // the branch must skip something: not onto a layer that reads f already
        if (s.height() == t.height() && s.width() == t.width() && !to.inputs().contains(f)) {
          out.add(new Skip(f, to.id(), 3, rng.nextLong()));
        }
      }
      from.add(to.id());
    }
    return out;
  }
}
