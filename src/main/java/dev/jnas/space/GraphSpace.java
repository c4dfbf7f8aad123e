package dev.jnas.space;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * The open-ended space of a morphism search: every {@link LayerGraph} grown from a start graph by
 * changing it (deepening, widening, skips, shrinking, removal). It has no decisions: an
 * architecture of this space is a handle on one graph (its single value numbers the graph in this
 * space object), while {@link #encode} and {@link #decode} go through the graph's text, so a store
 * holds the whole graph and any process reads it back.
 *
 * <p>The space itself is engine-free: how a graph changes comes from {@link Mutations}, which the
 * morphism package supplies. Random search samples the start graph changed a few times; evolution
 * and local search change one thing at a time; training a network from its parent's weights is
 * what strategies {@code hill-climbing} and {@code lemonade} add.
 *
 * <p>Its {@link #architectureGraph} is the layer graph: the input, every layer with its kind (and kernel and
 * filters for a convolution), an edge from each layer it reads, and the classifier head after the
 * last layer.
 */
public final class GraphSpace implements DrawableSpace {
  public static final String NAME = "graph";

  /** Three 3x3 convolutions of 16, 32 and 64 filters with 2x2 max-pooling between them. */
  public static final String DEFAULT_START =
      "c1=conv3x3(16)<input; p1=pool<c1; c2=conv3x3(32)<p1; p2=pool<c2; c3=conv3x3(64)<p2";

  /** Fashion-MNIST's images. */
  public static final LayerGraph.Shape DEFAULT_INPUT = new LayerGraph.Shape(1, 28, 28);

  /** How graphs change (one change at a time). */
  public interface Mutations {
    /** A random graph one change away from {@code g}. */
    LayerGraph mutate(LayerGraph g, LayerGraph.Shape input, RandomGenerator rng);

    /** The graphs one change away from {@code g}, in a fixed order. */
    List<LayerGraph> neighbours(LayerGraph g, LayerGraph.Shape input);
  }

  private final LayerGraph start;
  private final LayerGraph.Shape input;
  private final int sampleChanges;
  private final Mutations mutations;
  // the handle table: graph text -> number, number -> graph
  private final Map<String, Integer> numbers = new HashMap<>();
  private final List<LayerGraph> graphs = new ArrayList<>();

  /**
   * @param start the network every search starts from
   * @param input the shape of one example the networks are built for
   * @param sampleChanges how many random changes {@link #sample} applies to the start graph
   */
  public GraphSpace(LayerGraph start, LayerGraph.Shape input, int sampleChanges, Mutations mutations) {
    this.start = start;
    this.input = input;
    this.sampleChanges = sampleChanges;
    this.mutations = mutations;
    try {
      start.shapes(input);
    } catch (BadInputException e) {
      throw new BadInputException("search space graph: the start graph does not fit input " + input + ": " + e.getMessage(), e);
    }
    of(start);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** None: the networks are not limited to values of fixed decisions. */
  @Override
  public List<Decision> decisions() {
    return List.of();
  }

  public LayerGraph start() {
    return start;
  }

  public LayerGraph.Shape input() {
    return input;
  }

  /** The architecture that stands for {@code g} in this space. */
  public synchronized Architecture of(LayerGraph g) {
    String text = g.toString();
    Integer n = numbers.get(text);
    if (n == null) {
      n = graphs.size();
      graphs.add(g);
      numbers.put(text, n);
    }
    return new Architecture(NAME, new int[] {n});
  }

  /**
   * The graph {@code arch} stands for.
   *
   * @throws BadInputException when {@code arch} is not a handle of this space object
   */
  public synchronized LayerGraph graph(Architecture arch) {
    Optional<String> v = violation(arch);
    if (v.isPresent()) {
      throw new BadInputException(v.get());
    }
    return graphs.get(arch.get(0));
  }

  @Override
  public synchronized Optional<String> violation(Architecture arch) {
    if (!arch.space().equals(NAME)) {
      return Optional.of("architecture belongs to space '" + arch.space() + "', not '" + NAME + "'");
    }
    if (arch.size() != 1 || arch.get(0) < 0 || arch.get(0) >= graphs.size()) {
      return Optional.of("architecture " + arch + " is not a graph of this space (decode the graph's text)");
    }
    return Optional.empty();
  }

  @Override
  public Architecture sample(RandomGenerator rng) {
    LayerGraph g = start;
    for (int i = 0; i < sampleChanges; i++) {
      g = mutations.mutate(g, input, rng);
    }
    return of(g);
  }

  @Override
  public Architecture mutate(Architecture arch, RandomGenerator rng) {
    return of(mutations.mutate(graph(arch), input, rng));
  }

  @Override
  public List<Architecture> neighbours(Architecture arch) {
    LinkedHashSet<Architecture> out = new LinkedHashSet<>();
    for (LayerGraph g : mutations.neighbours(graph(arch), input)) {
      out.add(of(g));
    }
    out.remove(arch);
    return List.copyOf(out);
  }

  /** Unbounded: reported as the largest long. */
  @Override
  public BigInteger size() {
    return BigInteger.valueOf(Long.MAX_VALUE);
  }

  @Override
  public boolean isEnumerable() {
    return false;
  }

  @Override
  public Stream<Architecture> enumerate() {
    throw new BadInputException("search space graph is open-ended: it cannot be enumerated (grid search needs a finite space)");
  }

  @Override
  public String encode(Architecture arch) {
    return graph(arch).toString();
  }

  @Override
  public Architecture decode(String text) {
    LayerGraph g = LayerGraph.parse(text);
    try {
      g.shapes(input);
    } catch (BadInputException e) {
      throw new BadInputException("graph '" + text + "' does not fit input " + input + ": " + e.getMessage(), e);
    }
    return of(g);
  }

  @Override
  public ObjectNode toJson(Architecture arch) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("space", NAME);
    o.put("string", encode(arch));
    o.set("graph", Json.MAPPER.valueToTree(graph(arch)));
    return o;
  }

  @Override
  public Architecture fromJson(ObjectNode json) {
    if (json.hasNonNull("string")) {
      return decode(json.get("string").asText());
    }
    if (json.has("graph")) {
      try {
        return of(Json.MAPPER.treeToValue(json.get("graph"), LayerGraph.class));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new BadInputException("graph architecture: " + e.getOriginalMessage(), e);
      }
    }
    throw new BadInputException("graph architecture: needs a \"string\" (the graph's text) or a \"graph\" field, got " + json);
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    LayerGraph lg = graph(arch);
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    g.node("in", "input " + input.channels() + "x" + input.height() + "x" + input.width(),
        ArchitectureGraph.NodeKind.INPUT);
    for (LayerGraph.Layer l : lg.layers()) {
      String what = switch (l.kind()) {
        case CONV -> "conv" + l.kernel() + "x" + l.kernel() + ", " + l.filters();
        case POOL -> "max pool 2x2";
        case ADD -> "add";
        case CONCAT -> "concat";
      };
      boolean combine = l.kind() == LayerGraph.Kind.ADD || l.kind() == LayerGraph.Kind.CONCAT;
      g.node("l:" + l.id(), l.id() + ": " + what,
          combine ? ArchitectureGraph.NodeKind.COMBINE : ArchitectureGraph.NodeKind.OP);
      for (String in : l.inputs()) {
        g.edge(in.equals(LayerGraph.INPUT) ? "in" : "l:" + in, "l:" + l.id(), ArchitectureGraph.EdgeKind.DATA);
      }
    }
    g.node("head", "global avg pool, linear", ArchitectureGraph.NodeKind.FIXED);
    g.edge("l:" + lg.output().id(), "head", ArchitectureGraph.EdgeKind.DATA);
    return g.build();
  }
}
