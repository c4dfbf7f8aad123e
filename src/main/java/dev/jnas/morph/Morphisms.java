package dev.jnas.morph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.jnas.model.GraphNetwork;
import dev.jnas.space.LayerGraph;
import dev.jnas.space.LayerGraph.Kind;
import dev.jnas.space.LayerGraph.Layer;
import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Network morphisms on a {@link LayerGraph} and its trained weights (named as {@link
 * GraphNetwork} names them): each returns the child graph and weights for it, from which the
 * child starts training where its parent stopped.
 *
 * <p>Exact (function-preserving in inference, where batch norm uses its running statistics):
 * {@link #deepen} (Net2DeeperNet: an identity convolution), {@link #widen} (Net2WiderNet:
 * duplicated filters, the readers' weights divided among the copies) and {@link #addSkip} (a
 * zero-initialized convolution branch added on). In training mode batch norm normalizes by the
 * batch's statistics, so there the child is close to, not equal to, its parent.
 *
 * <p>Approximate (LEMONADE's): {@link #remove} (a convolution dropped, its readers reading its
 * input) and {@link #shrink} (the filters of smallest weight norm dropped).
 *
 * <p>The results' new arrays are attached to {@code manager}; the parent's arrays are not changed.
 */
public final class Morphisms {
  /** Batch norm's epsilon in {@link GraphNetwork} (libtorch's default). */
  static final double BN_EPSILON = 1e-5;

  private Morphisms() {}

  /**
   * A child and its starting weights.
   *
   * @param graph the child's layers
   * @param weights every parameter of the child by name
   * @param change what was done, for the trial's record (e.g. "deepen after c2: d5 conv3x3")
   */
  public record Child(LayerGraph graph, Map<String, NDArray> weights, String change) {}

  /**
   * Inserts a {@code kernel x kernel} convolution with as many filters as {@code after} has
   * channels, initialized to the identity, between layer {@code after} and its readers (or the head).
   */
  public static Child deepen(
      LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, String after, int kernel, NDManager manager) {
    LayerGraph.Layer at = g.layer(after);
    int c = g.shapes(input).get(at.id()).channels();
    String id = g.freshId("d");
    Layer conv = Layer.conv(id, after, c, kernel);
    LayerGraph child = g.redirecting(after, after, List.of(conv), id);
    Map<String, NDArray> cw = new LinkedHashMap<>(w);
    float[] kernelData = new float[c * c * kernel * kernel];
    int centre = (kernel - 1) / 2; // Net2Net's identity: 1 at the centre tap, channel i to i
    for (int i = 0; i < c; i++) {
      kernelData[((i * c + i) * kernel + centre) * kernel + centre] = 1;
    }
    cw.put(id + ".weight", manager.create(kernelData, new Shape(c, c, kernel, kernel)));
    // running mean 0, variance 1: normalizing divides by sqrt(1 + eps), which gamma undoes
    cw.put(id + ".gamma", manager.full(new Shape(c), (float) Math.sqrt(1 + BN_EPSILON)));
    cw.put(id + ".beta", manager.zeros(new Shape(c)));
    cw.put(id + ".mean", manager.zeros(new Shape(c)));
    cw.put(id + ".var", manager.ones(new Shape(c)));
    return new Child(child, cw, "deepen after " + after + ": " + conv);
  }

  /**
   * Widens convolution {@code id} to {@code filters} filters: each new filter copies a random
   * existing one (drawn from {@code rng}), and every reader's weights for a copied channel are
   * divided by the number of its copies, original included.
   *
   * @throws BadInputException when {@code id} is not a convolution, {@code filters} is not larger,
   *     or its channels reach a sum (whose other operands would not match)
   */
  public static Child widen(
      LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, String id, int filters,
      RandomGenerator rng, NDManager manager) {
    Layer l = g.layer(id);
    if (l.kind() != Kind.CONV || filters <= l.filters()) {
      throw new BadInputException("widen: '" + id + "' must be a convolution with fewer than " + filters + " filters, is " + l);
    }
    int[] map = new int[filters];
    for (int i = 0; i < filters; i++) {
      map[i] = i < l.filters() ? i : rng.nextInt(l.filters());
    }
    return remap(g, w, input, id, map, manager, "widen " + id + " to " + filters + " filters");
  }

  /**
   * Keeps the {@code filters} filters of convolution {@code id} whose weights have the largest L2
   * norm; readers lose the dropped channels' weights. Approximate.
   */
  public static Child shrink(
      LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, String id, int filters, NDManager manager) {
    Layer l = g.layer(id);
    if (l.kind() != Kind.CONV || filters >= l.filters() || filters < 1) {
      throw new BadInputException("shrink: '" + id + "' must be a convolution with more than " + filters + " filters, is " + l);
    }
    NDArray weight = w.get(id + ".weight");
    float[] norms = weight.square().sum(new int[] {1, 2, 3}).toFloatArray();
    Integer[] order = new Integer[norms.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(norms[b], norms[a]));
    int[] map = new int[filters];
    for (int i = 0; i < filters; i++) {
      map[i] = order[i];
    }
    java.util.Arrays.sort(map); // keep the survivors' order
    return remap(g, w, input, id, map, manager, "shrink " + id + " to " + filters + " filters");
  }

  /** {@code g} with convolution {@code id} and those tied to it by sums set to {@code filters}. */
  static LayerGraph withTiedFilters(LayerGraph g, String id, int filters) {
    java.util.Set<String> tied = tiedConvolutions(g, id);
    if (tied == null) {
      throw new BadInputException("'" + id + "' reaches a sum with the input image or a concatenation: its filters cannot change");
    }
    LayerGraph child = g;
    for (String t : tied) {
      child = child.withFilters(t, filters);
    }
    return child;
  }

  /** Whether {@link #widen} and {@link #shrink} can change convolution {@code id}. */
  public static boolean canRemap(LayerGraph g, String id) {
    return g.layer(id).kind() == Kind.CONV && tiedConvolutions(g, id) != null;
  }

  /**
   * The convolutions whose output channels must change together with {@code id}'s: a sum needs
   * operands of one channel layout, so every convolution feeding a sum that {@code id}'s channels
   * reach (directly or through pooling and other sums) changes with it. Null when a sum would
   * also need the input image's or a concatenation's channels to change.
   */
  static java.util.Set<String> tiedConvolutions(LayerGraph g, String id) {
    java.util.Set<String> tied = new java.util.LinkedHashSet<>(List.of(id));
    boolean grown = true;
    while (grown) {
      grown = false;
      java.util.Set<String> carriers = new java.util.HashSet<>(tied); // outputs in the new layout
      java.util.Set<String> altered = new java.util.HashSet<>(); // outputs in another changed layout
      for (Layer l : g.layers()) {
        boolean reached = l.inputs().stream().anyMatch(carriers::contains);
        boolean touched = l.inputs().stream().anyMatch(altered::contains);
        switch (l.kind()) {
          case POOL -> {
            if (reached) {
              carriers.add(l.id());
            } else if (touched) {
              altered.add(l.id());
            }
          }
          case CONCAT -> {
            if (reached || touched) {
              altered.add(l.id());
            }
          }
          case ADD -> {
            if (touched) {
              return null; // a concatenation's changed channels would have to match the others
            }
            if (reached) {
              for (String operand : l.inputs()) {
                if (!carriers.contains(operand)) {
                  String source = tieable(g, operand);
                  if (source == null) {
                    return null;
                  }
                  grown |= tied.add(source);
                }
              }
              carriers.add(l.id());
            }
          }
          case CONV -> {} // a reader: its own output keeps its layout unless it is tied
        }
      }
    }
    return tied;
  }

  /**
   * The convolution that sets {@code id}'s channel layout, following pooling back (a sum's
   * operands are all made to follow by the caller's next pass); null for the input or a
   * concatenation.
   */
  private static String tieable(LayerGraph g, String id) {
    if (id.equals(LayerGraph.INPUT)) {
      return null;
    }
    Layer l = g.layer(id);
    return switch (l.kind()) {
      case CONV -> id;
      case POOL -> tieable(g, l.inputs().get(0));
      case ADD -> tieable(g, l.inputs().get(0)); // its other operands follow on the next pass
      case CONCAT -> null;
    };
  }

  /**
   * Gives convolution {@code id} (and the convolutions tied to it by sums) output channel {@code
   * map[i]} of the parent as its channel i, and passes the change through pooling, sums and
   * concatenation to the readers that consume channels (convolutions, the head), whose weights
   * for channel i become the parent's for {@code map[i]} divided by how often {@code map} repeats it.
   */
  private static Child remap(
      LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, String id, int[] map, NDManager manager, String change) {
    java.util.Set<String> tied = tiedConvolutions(g, id);
    if (tied == null) {
      throw new BadInputException(change + ": the channels of '" + id
          + "' reach a sum with the input image or a concatenation, whose channels cannot change with them");
    }
    Map<String, LayerGraph.Shape> shapes = g.shapes(input);
    Map<String, NDArray> cw = new LinkedHashMap<>(w);
    for (String t : tied) {
      for (String p : List.of(".weight", ".gamma", ".beta", ".mean", ".var")) {
        cw.put(t + p, take(w.get(t + p), 0, map, null, manager));
      }
    }
    LayerGraph child = withTiedFilters(g, id, map.length);
    // channel maps of the outputs that carry the changed channels (layers are in order)
    Map<String, int[]> maps = new HashMap<>();
    for (Layer l : g.layers()) {
      boolean reached = l.inputs().stream().anyMatch(maps::containsKey);
      if (l.kind() == Kind.CONV) {
        if (reached) { // a reader: its input channels follow the map (after its own rows, if tied)
          int[] m = maps.get(l.inputs().get(0));
          cw.put(l.id() + ".weight", take(cw.get(l.id() + ".weight"), 1, m, counts(m), manager));
        }
        if (tied.contains(l.id())) {
          maps.put(l.id(), map);
        }
      } else if (reached) {
        switch (l.kind()) {
          case POOL, ADD -> maps.put(l.id(), maps.get(l.inputs().get(0))); // tiedConvolutions: every operand carries map
          case CONCAT -> {
            List<Integer> joined = new ArrayList<>();
            int offset = 0;
            for (String in : l.inputs()) {
              int[] m = maps.get(in);
              int channels = shapes.get(in).channels();
              for (int c = 0; c < (m == null ? channels : m.length); c++) {
                joined.add(offset + (m == null ? c : m[c]));
              }
              offset += channels;
            }
            maps.put(l.id(), joined.stream().mapToInt(Integer::intValue).toArray());
          }
          case CONV -> throw new IllegalStateException("handled above");
        }
      }
    }
    int[] last = maps.get(g.output().id());
    if (last != null) {
      String hw = GraphNetwork.HEAD + ".weight";
      cw.put(hw, take(w.get(hw), 1, last, counts(last), manager));
    }
    return new Child(child, cw, change + (tied.size() > 1 ? " (with " + String.join(", ", tied) + ": they meet in a sum)" : ""));
  }

  /** For each entry of {@code map}, how many entries repeat its value. */
  private static float[] counts(int[] map) {
    Map<Integer, Integer> n = new HashMap<>();
    for (int m : map) {
      n.merge(m, 1, Integer::sum);
    }
    float[] c = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      c[i] = n.get(map[i]);
    }
    return c;
  }

  /**
   * {@code a}'s slices {@code map} along {@code axis} (0 or 1), divided by {@code divisors} along
   * that axis when given.
   */
  private static NDArray take(NDArray a, int axis, int[] map, float[] divisors, NDManager manager) {
    long[] idx = new long[map.length];
    for (int i = 0; i < map.length; i++) {
      idx[i] = map[i];
    }
    NDArray index = manager.create(idx);
    NDArray out = axis == 0 ? a.get(new NDIndex("{}", index)) : a.get(new NDIndex(":, {}", index));
    if (divisors != null) {
      long[] shape = new long[a.getShape().dimension()];
      java.util.Arrays.fill(shape, 1);
      shape[axis] = map.length;
      out = out.div(manager.create(divisors).reshape(new Shape(shape)));
    }
    out.attach(manager);
    return out;
  }

  /**
   * Adds a branch from layer {@code from} (or the input) to layer {@code to}: a {@code kernel x
   * kernel} convolution of {@code from} with {@code to}'s channels, whose batch norm has zero
   * scale and shift (so it outputs zeros until training moves them), summed with {@code to}'s
   * output; {@code to}'s readers read the sum. The branch's kernel is He-initialized from {@code
   * rng}, so its gradients are not zero.
   *
   * @throws BadInputException when {@code from} is not before {@code to} or their maps differ in size
   */
  public static Child addSkip(
      LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, String from, String to, int kernel,
      RandomGenerator rng, NDManager manager) {
    Map<String, LayerGraph.Shape> shapes = g.shapes(input);
    LayerGraph.Shape a = shapes.get(from);
    LayerGraph.Shape b = shapes.get(to);
    boolean ordered = from.equals(LayerGraph.INPUT) || g.indexOf(from) < g.indexOf(to);
    if (a == null || b == null || !ordered || a.height() != b.height() || a.width() != b.width()) {
      throw new BadInputException("add skip: '" + from + "' must come before '" + to + "' with maps of the same size, got "
          + a + " and " + b);
    }
    String conv = g.freshId("s");
    Layer branch = Layer.conv(conv, from, b.channels(), kernel);
    String sum = g.freshId("a"); // another prefix than the branch's, so the two never collide
    LayerGraph child = g.redirecting(to, to, List.of(branch, Layer.add(sum, to, conv)), sum);
    Map<String, NDArray> cw = new LinkedHashMap<>(w);
    int fanIn = a.channels() * kernel * kernel;
    float[] k = new float[b.channels() * fanIn];
    double sd = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) (rng.nextGaussian() * sd);
    }
    int c = b.channels();
    cw.put(conv + ".weight", manager.create(k, new Shape(c, a.channels(), kernel, kernel)));
    cw.put(conv + ".gamma", manager.zeros(new Shape(c)));
    cw.put(conv + ".beta", manager.zeros(new Shape(c)));
    cw.put(conv + ".mean", manager.zeros(new Shape(c)));
    cw.put(conv + ".var", manager.ones(new Shape(c)));
    return new Child(child, cw, "skip from " + from + " to " + to + ": " + branch + ", " + sum);
  }

  /**
   * Removes convolution {@code id}, whose readers read its input instead; it must keep the
   * number of channels (its input has as many as it has filters). Approximate.
   */
  public static Child remove(LayerGraph g, Map<String, NDArray> w, LayerGraph.Shape input, String id) {
    Layer l = g.layer(id);
    Map<String, LayerGraph.Shape> shapes = g.shapes(input);
    String in = l.inputs().get(0);
    if (l.kind() != Kind.CONV || in.equals(LayerGraph.INPUT) || !shapes.get(in).equals(shapes.get(id))) {
      throw new BadInputException("remove: '" + id + "' must be a convolution after another layer with as many channels as it has filters, is " + l);
    }
    boolean last = g.output().id().equals(id);
    if (last && (g.layers().size() < 2 || !g.layers().get(g.layers().size() - 2).id().equals(in))) {
      throw new BadInputException("remove: the last layer '" + id + "' can go only when its input is the layer before it");
    }
    LayerGraph child = g.removing(id, in);
    Map<String, NDArray> cw = new LinkedHashMap<>(w);
    cw.keySet().removeIf(k -> k.startsWith(id + "."));
    return new Child(child, cw, "remove " + l);
  }
}
