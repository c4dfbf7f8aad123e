package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * ENAS's recurrent cell (Pham et al. 2018, section 2.1): {@code nodes} nodes numbered 1..N. Node
 * 1 reads x_t and h_{t-1}; every later node i reads the output of one earlier node and applies
 * an activation. The cell's output h_t is the average of the "loose ends", the nodes no other
 * node reads ({@link #outputs}).
 *
 * <p>Decisions, in the controller's order: {@code node_1_activation}, then for i = 2..N {@code
 * node_i_input} (a {@link Decision.InputChoice} over nodes 1..i-1) and {@code node_i_activation},
 * each activation one of {@link #ACTIVATIONS}.
 *
 * <p>Size: 4^N x (N-1)!, every combination valid. The paper counts 4^N x N! cells, as if node 1
 * also picked its input; here node 1's input is fixed (x_t and h_{t-1}), so node i has i-1 input
 * choices, not i. With N = 12 that is 4^12 x 11! ~ 6.7 x 10^14.
 *
 * <p>Canonical string: the nodes in order separated by single spaces, node 1 as its activation
 * and node i as {@code <input>:<activation>}, e.g. {@code tanh 1:relu 1:identity 2:sigmoid} (N =
 * 4; nodes 3 and 4 are the loose ends).
 *
 * <p>Its {@link #architectureGraph} is the cell's DAG: x_t and h_{t-1} into node 1, each node with its
 * activation and an edge from the node it reads, and the loose ends averaged into h_t.
 */
public final class EnasRnnSpace extends AbstractSearchSpace implements DrawableSpace {
  public static final String NAME = "enas-rnn";
  public static final List<String> ACTIVATIONS = List.of("tanh", "relu", "identity", "sigmoid");
  public static final int DEFAULT_NODES = 8;
  /**
   * Most nodes. The cell runs its nodes one after another at every time step and the controller
   * emits 2N-1 decisions, so both grow with N; the paper's cell has 12.
   */
  public static final int MAX_NODES = 24;

  private final int nodes;

  public EnasRnnSpace() {
    this(DEFAULT_NODES);
  }

  /** @param nodes the cell's node count N, 1..{@value #MAX_NODES} */
  public EnasRnnSpace(int nodes) {
    super(NAME, decisions(nodes));
    this.nodes = nodes;
  }

  private static List<Decision> decisions(int nodes) {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException(NAME + " needs 1.." + MAX_NODES + " nodes, got " + nodes);
    }
    List<Decision> d = new ArrayList<>();
    d.add(new Decision.Categorical("node_1_activation", ACTIVATIONS));
    for (int i = 2; i <= nodes; i++) {
      List<Integer> earlier = new ArrayList<>();
      for (int j = 1; j < i; j++) {
        earlier.add(j);
      }
      d.add(new Decision.InputChoice("node_" + i + "_input", i, earlier));
      d.add(new Decision.Categorical("node_" + i + "_activation", ACTIVATIONS));
    }
    return d;
  }

  public int nodes() {
    return nodes;
  }

  /** Index of node {@code node}'s input decision (node &gt;= 2); its activation's is the next. */
  private static int inputIndex(int node) {
    return 2 * node - 3;
  }

  private static int activationIndex(int node) {
    // node 1 has no input decision, so its activation comes first
    return node == 1 ? 0 : inputIndex(node) + 1;
  }

  private void checkNode(int node, int first) {
    if (node < first || node > nodes) {
      throw new IllegalArgumentException("node " + node + " is not in " + first + ".." + nodes);
    }
  }

  /** The earlier node (1..node-1) that node {@code node} (&gt;= 2) reads. */
  public int input(Architecture a, int node) {
    checkNode(node, 2);
    // InputChoice candidates are 1..node-1 in order, so index k is node k + 1
    return a.get(inputIndex(node)) + 1;
  }

  /** Node {@code node}'s activation, one of {@link #ACTIVATIONS}. */
  public String activation(Architecture a, int node) {
    checkNode(node, 1);
    return ACTIVATIONS.get(a.get(activationIndex(node)));
  }

  /** The loose ends, ascending: the nodes no other node reads. h_t is their average. */
  public List<Integer> outputs(Architecture a) {
    boolean[] read = new boolean[nodes + 1];
    for (int i = 2; i <= nodes; i++) {
      read[input(a, i)] = true;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      if (!read[i]) {
        out.add(i);
      }
    }
    return out;
  }

  /** 4^N x (N-1)!: every grid point is valid, so no need to enumerate. */
  @Override
  public BigInteger size() {
    return gridSize();
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder(activation(arch, 1));
    for (int i = 2; i <= nodes; i++) {
      sb.append(' ').append(input(arch, i)).append(':').append(activation(arch, i));
    }
    return sb.toString();
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty " + NAME + " architecture string");
    }
    String s = text.trim();
    // split on single spaces, keeping empty entries, so a doubled space is an error and not a
    // second spelling of the same cell
    String[] entries = s.split(" ", -1);
    if (entries.length != nodes) {
      throw new BadInputException(
          NAME + " string '" + s + "' has " + entries.length + " node entries separated by spaces, expected " + nodes
              + " (node 1 as <activation>, node i as <input>:<activation>, e.g. " + example() + ")");
    }
    int[] c = new int[decisions().size()];
    for (int i = 1; i <= nodes; i++) {
      String e = entries[i - 1];
      String where = NAME + " node " + i + " entry '" + e + "'";
      String act = e;
      if (i == 1) {
        if (e.contains(":")) {
          throw new BadInputException(
              where + " must be an activation alone: node 1 reads x_t and h_{t-1}, it picks no input");
        }
      } else {
        int colon = e.indexOf(':');
        if (colon < 0) {
          throw new BadInputException(where + " is not <input>:<activation>, e.g. 1:" + ACTIVATIONS.get(0));
        }
        String in = e.substring(0, colon);
        act = e.substring(colon + 1);
        int j = parseIndex(in);
        if (j < 1 || j >= i) {
          throw new BadInputException(
              where + ": input '" + in + "' is not an earlier node (valid: " + (i == 2 ? "1" : "1.." + (i - 1)) + ")");
        }
        c[inputIndex(i)] = j - 1;
      }
      int a = ACTIVATIONS.indexOf(act);
      if (a < 0) {
        throw new BadInputException(
            where + ": unknown activation '" + act + "' (valid: " + String.join(", ", ACTIVATIONS) + ")");
      }
      c[activationIndex(i)] = a;
    }
    return checked(new Architecture(NAME, c), s);
  }

  /** A string of this space's length, for error messages. */
  private String example() {
    StringBuilder sb = new StringBuilder(ACTIVATIONS.get(0));
    for (int i = 2; i <= Math.min(nodes, 3); i++) {
      sb.append(' ').append(i - 1).append(':').append(ACTIVATIONS.get(i - 1));
    }
    return sb.append(nodes > 3 ? " ..." : "").toString();
  }

  /** A canonical non-negative integer (no sign, no leading zeros), or -1. */
  static int parseIndex(String s) {
    if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')
        || (s.length() > 1 && s.charAt(0) == '0')) {
      return -1;
    }
    return Integer.parseInt(s);
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    g.node("x", "x_t", ArchitectureGraph.NodeKind.INPUT);
    g.node("h", "h_{t-1}", ArchitectureGraph.NodeKind.INPUT);
    for (int i = 1; i <= nodes; i++) {
      g.node("n" + i, i + ": " + activation(arch, i), ArchitectureGraph.NodeKind.OP);
    }
    g.edge("x", "n1", ArchitectureGraph.EdgeKind.DATA);
    g.edge("h", "n1", ArchitectureGraph.EdgeKind.STATE);
    for (int i = 2; i <= nodes; i++) {
      g.edge("n" + input(arch, i), "n" + i, ArchitectureGraph.EdgeKind.DATA);
    }
    g.node("avg", "average", ArchitectureGraph.NodeKind.COMBINE);
    for (int i : outputs(arch)) {
      g.edge("n" + i, "avg", ArchitectureGraph.EdgeKind.DATA);
    }
    g.node("out", "h_t", ArchitectureGraph.NodeKind.OUTPUT);
    g.edge("avg", "out", ArchitectureGraph.EdgeKind.DATA);
    return g.build();
  }
}
