package dev.jnas.space;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an architecture looks like as a graph, for diagrams ({@code dev.jnas.diagram} lays it out
 * and draws it): labelled nodes of a few kinds, directed edges with optional labels, and optional
 * groups (a cell, a stage) that contain nodes. Pure data; nothing here knows about layout or SVG.
 *
 * <p>A {@link DrawableSpace} builds one for each of its architectures; {@link #ofDecisions} is
 * the graph of any architecture of any space: its decisions and their values in a chain.
 *
 * @param nodes the nodes, in the order a drawing lists them; ids unique
 * @param edges edges between nodes of this graph
 * @param groups boxes that nodes may sit in (a node's {@link Node#group}); ids unique
 */
public record ArchitectureGraph(List<Node> nodes, List<Edge> edges, List<Group> groups) {

  /** What a node stands for; a drawing styles each kind (its CSS class is the lower-case name). */
  public enum NodeKind {
    /** What the network or cell reads: the image, a cell's inputs, x_t, h_{t-1}. */
    INPUT,
    /** What it produces: logits, a cell's output, h_t. */
    OUTPUT,
    /** A tensor the architecture names (a node of a cell DAG): its value is what arrives there. */
    STATE,
    /** An operation the search chose: a convolution, a pool, an activation. */
    OP,
    /** A combination of several inputs: a sum, a concatenation, an average. */
    COMBINE,
    /** A part the search does not change: a stem, a plain block, the classifier. */
    FIXED,
    /** A decision and its value, in the graph of a space without a structure of its own. */
    DECISION;

    /** The CSS class a drawing gives this kind. */
    public String cssClass() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an edge stands for; a drawing styles each kind. */
  public enum EdgeKind {
    /** Data flowing into an op or node. */
    DATA,
    /** A skip connection (an input from further back than the previous layer). */
    SKIP,
    /** State carried across time or cells (the memory cell c_t of a recurrent cell). */
    STATE,
    /** Order only: one decision after another in a chain of decisions. */
    SEQUENCE;

    public String cssClass() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param id unique within the graph
   * @param label the text drawn in the node; {@code \n} breaks lines
   * @param group the id of the group the node sits in, or null
   */
  public record Node(String id, String label, NodeKind kind, String group) {
    public Node {
      if (id == null || label == null || kind == null) {
        throw new IllegalArgumentException("a graph node needs an id, a label and a kind");
      }
    }
  }

  /** @param label text drawn along the edge (an op on an edge of a cell DAG), or null */
  public record Edge(String from, String to, String label, EdgeKind kind) {
    public Edge {
      if (from == null || to == null || kind == null) {
        throw new IllegalArgumentException("a graph edge needs both ends and a kind");
      }
    }
  }

  /** A box around nodes: a cell, a stage. */
  public record Group(String id, String label) {
    public Group {
      if (id == null || label == null) {
        throw new IllegalArgumentException("a graph group needs an id and a label");
      }
    }
  }

  public ArchitectureGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    groups = List.copyOf(groups);
    Set<String> groupIds = new HashSet<>();
    for (Group g : groups) {
      if (!groupIds.add(g.id())) {
        throw new IllegalArgumentException("graph group id '" + g.id() + "' is used twice");
      }
    }
    Set<String> ids = new HashSet<>();
    for (Node n : nodes) {
      if (!ids.add(n.id())) {
        throw new IllegalArgumentException("graph node id '" + n.id() + "' is used twice");
      }
      if (n.group() != null && !groupIds.contains(n.group())) {
        throw new IllegalArgumentException("graph node '" + n.id() + "' is in unknown group '" + n.group() + "'");
      }
    }
    for (Edge e : edges) {
      if (!ids.contains(e.from()) || !ids.contains(e.to())) {
        throw new IllegalArgumentException("graph edge " + e.from() + " -> " + e.to() + " names an unknown node");
      }
    }
  }

  /** The node with id {@code id}. */
  public Node node(String id) {
    return nodes.stream()
        .filter(n -> n.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no graph node '" + id + "'"));
  }

  /**
   * This graph and {@code other} side by side, as one graph: each one's node and group ids get a
   * prefix ({@code prefix} and {@code otherPrefix}), so they cannot clash.
   */
  public ArchitectureGraph plus(String prefix, ArchitectureGraph other, String otherPrefix) {
    List<Node> ns = new ArrayList<>();
    List<Edge> es = new ArrayList<>();
    List<Group> gs = new ArrayList<>();
    for (ArchitectureGraph g : List.of(this, other)) {
      String p = g == this ? prefix : otherPrefix;
      g.groups.forEach(x -> gs.add(new Group(p + x.id(), x.label())));
      g.nodes.forEach(x -> ns.add(new Node(p + x.id(), x.label(), x.kind(), x.group() == null ? null : p + x.group())));
      g.edges.forEach(x -> es.add(new Edge(p + x.from(), p + x.to(), x.label(), x.kind())));
    }
    return new ArchitectureGraph(ns, es, gs);
  }

  /** This graph with every node that is in no group put in a new group {@code id}. */
  public ArchitectureGraph grouped(String id, String label) {
    List<Group> gs = new ArrayList<>(groups);
    gs.add(new Group(id, label));
    List<Node> ns = nodes.stream().map(n -> n.group() != null ? n : new Node(n.id(), n.label(), n.kind(), id)).toList();
    return new ArchitectureGraph(ns, edges, gs);
  }

  /** A builder that adds nodes, edges and groups in order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects nodes, edges and groups; {@link #build} checks them. */
  public static final class Builder {
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();
    private String group;

    private Builder() {}

    /** Adds a group; the nodes added until the next call of {@link #in} sit in it. */
    public Builder group(String id, String label) {
      groups.add(new Group(id, label));
      group = id;
      return this;
    }

    /** The nodes added next sit in group {@code id} (null: in no group). */
    public Builder in(String id) {
      group = id;
      return this;
    }

    public Builder node(String id, String label, NodeKind kind) {
      nodes.add(new Node(id, label, kind, group));
      return this;
    }

    public Builder edge(String from, String to, EdgeKind kind) {
      return edge(from, to, null, kind);
    }

    public Builder edge(String from, String to, String label, EdgeKind kind) {
      edges.add(new Edge(from, to, label, kind));
      return this;
    }

    public ArchitectureGraph build() {
      return new ArchitectureGraph(nodes, edges, groups);
    }
  }

  /**
   * The graph a diagram of {@code arch} draws: the space's own ({@link DrawableSpace}) or, when the
   * space has none or it fails on {@code arch}, the chain of decisions. Never throws.
   */
  public static ArchitectureGraph of(SearchSpace space, Architecture arch) {
    if (space instanceof DrawableSpace d) {
      try {
        if (space.isValid(arch)) {
          return d.architectureGraph(arch);
        }
      } catch (RuntimeException e) {
        // drawn from its decisions below
      }
    }
    try {
      return ofDecisions(space, arch);
    } catch (RuntimeException e) {
      return builder().node("arch", String.valueOf(arch), NodeKind.DECISION).build();
    }
  }

  /**
   * The graph of any architecture of any space: the space's name and the architecture's active
   * decisions, each as {@code name = value}, in a chain. It never fails: an index a decision does
   * not have is shown as the index, and decisions past the space's list as {@code #i}.
   */
  public static ArchitectureGraph ofDecisions(SearchSpace space, Architecture arch) {
    Builder b = builder();
    String spaceName = space == null ? arch.space() : safe(space::name, arch.space());
    b.node("space", spaceName, NodeKind.INPUT);
    String previous = "space";
    List<Decision> decisions = space == null ? List.of() : safe(space::decisions, List.of());
    for (int i = 0; i < arch.size(); i++) {
      int index = i;
      if (space != null && !safe(() -> space.isActive(arch, index), true)) {
        continue;
      }
      Decision d = i < decisions.size() ? decisions.get(i) : null;
      String name = d == null ? "#" + i : d.name();
      String value = d == null ? Integer.toString(arch.get(i)) : safe(() -> d.label(arch.get(index)), "index " + arch.get(i));
      String id = "d" + i;
      b.node(id, name + " = " + value, NodeKind.DECISION);
      b.edge(previous, id, EdgeKind.SEQUENCE);
      previous = id;
    }
    return b.build();
  }

  private static <T> T safe(java.util.function.Supplier<T> s, T otherwise) {
    try {
      T v = s.get();
      return v == null ? otherwise : v;
    } catch (RuntimeException e) {
      return otherwise;
    }
  }
}
