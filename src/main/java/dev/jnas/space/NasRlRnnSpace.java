package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * NAS-RL's recurrent cell (Zoph &amp; Le 2017, section 3.4): a full binary tree with {@code base}
 * leaves whose every node picks a combination ({@link #COMBINES}) and an activation ({@link
 * #ACTIVATIONS}), plus where the memory cell c_{t-1} comes in and where c_t is taken.
 *
 * <p>The tree has 2 x base - 1 nodes, numbered 0..2 x base - 2. Leaves 0..base-1 each combine
 * W_k x_t and U_k h_{t-1}. Internal nodes follow level by level: the level above the leaves holds
 * nodes base..base + base/2 - 1, its j-th node combining nodes 2j and 2j + 1 of the level below,
 * and so on up to the root 2 x base - 2 (base 8: node 8 combines 0 and 1, node 12 combines 8 and
 * 9, the root 14 combines 12 and 13). Internal nodes have no weights. h_t is the root's output.
 *
 * <p>The cell inject: node {@code inject_at}'s activated output a is replaced by {@code
 * inject_activation(inject_combine(a, c_{t-1}))} before its parent reads it. The cell index:
 * c_t is node {@code cell_from}'s combined value before its activation. Both pick among the
 * non-root nodes 0..2 x base - 3.
 *
 * <p>Decisions, in the controller's order: {@code node_<k>_combine} and {@code
 * node_<k>_activation} for k = 0..2 x base - 2, then {@code inject_combine}, {@code
 * inject_activation}, {@code inject_at} and {@code cell_from}. Size: 8^(2b-1) x 8 x (2b-2)^2, every
 * combination valid (the paper's base 8: about 5.5 x 10^16).
 *
 * <p>Canonical string: the nodes' {@code <combine>:<activation>} in node order joined by {@code
 * ,}, then {@code ;inject=<combine>:<activation>@<node>}, then {@code ;cell=<node>}. The paper's
 * Figure 5 (base 2) reads {@code add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0;cell=1}.
 *
 * <p>Its {@link #architectureGraph} is the tree: x_t and h_{t-1} into every leaf, each node's combination and
 * activation, the inject (c_{t-1} combined with node {@code inject_at}'s output on its way to
 * the parent), the root into h_t, and node {@code cell_from}'s value before its activation into
 * c_t.
 */
public final class NasRlRnnSpace extends AbstractSearchSpace implements DrawableSpace {
  public static final String NAME = "nasrl-rnn";
  public static final List<String> COMBINES = List.of("add", "mul");
  public static final List<String> ACTIVATIONS = List.of("tanh", "relu", "sigmoid", "identity");
  /** The paper's Penn Treebank cell has 8 leaves. */
  public static final int DEFAULT_BASE = 8;
  public static final int MIN_BASE = 2;
  /** Largest base: 31 nodes, 66 decisions for the controller. */
  public static final int MAX_BASE = 16;

  private static final String FORM = "<combine>:<activation>,...;inject=<combine>:<activation>@<node>;cell=<node>";

  private final int base;

  public NasRlRnnSpace() {
    this(DEFAULT_BASE);
  }

  /** @param base the tree's leaf count, a power of two in {@value #MIN_BASE}..{@value #MAX_BASE} */
  public NasRlRnnSpace(int base) {
    super(NAME, decisions(base));
    this.base = base;
  }

  /** Whether {@code base} is a valid leaf count: a power of two in 2..16. */
  public static boolean validBase(int base) {
    return base >= MIN_BASE && base <= MAX_BASE && Integer.bitCount(base) == 1;
  }

  private static List<Decision> decisions(int base) {
    if (!validBase(base)) {
      throw new IllegalArgumentException(
          NAME + " needs a base that is a power of two in " + MIN_BASE + ".." + MAX_BASE + ", got " + base);
    }
    int count = 2 * base - 1;
    List<Decision> d = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      d.add(new Decision.Categorical("node_" + k + "_combine", COMBINES));
      d.add(new Decision.Categorical("node_" + k + "_activation", ACTIVATIONS));
    }
    List<String> nonRoot = new ArrayList<>();
    for (int k = 0; k < count - 1; k++) {
      nonRoot.add(Integer.toString(k));
    }
    d.add(new Decision.Categorical("inject_combine", COMBINES));
    d.add(new Decision.Categorical("inject_activation", ACTIVATIONS));
    d.add(new Decision.Categorical("inject_at", nonRoot));
    d.add(new Decision.Categorical("cell_from", nonRoot));
    return d;
  }

  /** The tree's leaf count. */
  public int base() {
    return base;
  }

  /** The tree's node count, 2 x base - 1. */
  public int nodeCount() {
    return 2 * base - 1;
  }

  /** The root's node number, 2 x base - 2: its output is h_t. */
  public int root() {
    return 2 * base - 2;
  }

  public boolean isLeaf(int node) {
    checkNode(node);
    return node < base;
  }

  /**
   * The two nodes internal node {@code node} combines, in order; an empty array for a leaf, which
   * combines W x_t and U h_{t-1} instead.
   */
  public int[] children(int node) {
    checkNode(node);
    if (node < base) {
      return new int[0];
    }
    // Levels start at s_0 = 0, s_1 = base, s_2 = base + base/2, ..., so s_l = 2 base - 2 base/2^l,
    // and node s_{l+1} + j combines s_l + 2j and s_l + 2j + 1: that is 2 (node - base) and the
    // next, at every level.
    int first = 2 * (node - base);
    return new int[] {first, first + 1};
  }

  private void checkNode(int node) {
    if (node < 0 || node > root()) {
      throw new IllegalArgumentException("node " + node + " is not in 0.." + root());
    }
  }

  private int injectIndex() {
    return 2 * nodeCount();
  }

  /** Node {@code node}'s combination of its two inputs, one of {@link #COMBINES}. */
  public String combine(Architecture a, int node) {
    checkNode(node);
    return COMBINES.get(a.get(2 * node));
  }

  /** Node {@code node}'s activation, one of {@link #ACTIVATIONS}. */
  public String activation(Architecture a, int node) {
    checkNode(node);
    return ACTIVATIONS.get(a.get(2 * node + 1));
  }

  /** How c_{t-1} is combined with the activated output of node {@link #injectAt}. */
  public String injectCombine(Architecture a) {
    return COMBINES.get(a.get(injectIndex()));
  }

  /** The activation applied after the inject's combination. */
  public String injectActivation(Architecture a) {
    return ACTIVATIONS.get(a.get(injectIndex() + 1));
  }

  /** The non-root node whose activated output is combined with c_{t-1}. */
  public int injectAt(Architecture a) {
    // labels are "0".."2b-3" in order, so the index is the node
    return a.get(injectIndex() + 2);
  }

  /** The non-root node whose value before its activation is c_t. */
  public int cellFrom(Architecture a) {
    return a.get(injectIndex() + 3);
  }

  /** 8^(2b-1) x 8 x (2b-2)^2: every grid point is valid, so no need to enumerate. */
  @Override
  public BigInteger size() {
    return gridSize();
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < nodeCount(); k++) {
      sb.append(k > 0 ? "," : "").append(combine(arch, k)).append(':').append(activation(arch, k));
    }
    sb.append(";inject=").append(injectCombine(arch)).append(':').append(injectActivation(arch))
        .append('@').append(injectAt(arch));
    sb.append(";cell=").append(cellFrom(arch));
    return sb.toString();
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty " + NAME + " architecture string");
    }
    String s = text.trim();
    String[] sections = s.split(";", -1);
    if (sections.length < 3) {
      throw new BadInputException(NAME + " string '" + s + "' is missing " + missing(sections) + " (form: " + FORM + ")");
    }
    if (sections.length > 3) {
      throw new BadInputException(
          NAME + " string '" + s + "' has " + sections.length + " sections separated by ';', expected 3 (form: " + FORM + ")");
    }
    int[] c = new int[decisions().size()];
    String[] entries = sections[0].split(",", -1);
    if (entries.length != nodeCount()) {
      throw new BadInputException(
          NAME + " nodes '" + sections[0] + "' has " + entries.length + " entries separated by ',', expected "
              + nodeCount() + " (2 x base - 1 for base " + base + ")");
    }
    for (int k = 0; k < entries.length; k++) {
      pair(NAME + " node " + k + " entry '" + entries[k] + "'", entries[k], c, 2 * k);
    }
    String inject = sections[1];
    String where = NAME + " inject '" + inject + "'";
    int at = inject.lastIndexOf('@');
    if (!inject.startsWith("inject=") || at < 0) {
      throw new BadInputException(where + " is not inject=<combine>:<activation>@<node>, e.g. inject=add:relu@0");
    }
    pair(where, inject.substring("inject=".length(), at), c, injectIndex());
    c[injectIndex() + 2] = nonRoot(where + ": node", inject.substring(at + 1));
    String cell = sections[2];
    if (!cell.startsWith("cell=")) {
      throw new BadInputException(NAME + " cell '" + cell + "' is not cell=<node>, e.g. cell=1");
    }
    c[injectIndex() + 3] = nonRoot(NAME + " cell: node", cell.substring("cell=".length()));
    return checked(new Architecture(NAME, c), s);
  }

  /** Which of the inject and cell sections a string of fewer than three sections lacks. */
  private static String missing(String[] sections) {
    boolean inject = false;
    boolean cell = false;
    for (int i = 1; i < sections.length; i++) {
      inject |= sections[i].startsWith("inject=");
      cell |= sections[i].startsWith("cell=");
    }
    if (!inject && !cell) {
      return "the ';inject=...' and ';cell=...' sections";
    }
    return inject ? "the ';cell=<node>' section" : "the ';inject=<combine>:<activation>@<node>' section";
  }

  /** Parses {@code <combine>:<activation>} into decisions {@code at} and {@code at + 1}. */
  private static void pair(String where, String text, int[] c, int at) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new BadInputException(where + " is not <combine>:<activation>, e.g. add:tanh");
    }
    String combine = text.substring(0, colon);
    String activation = text.substring(colon + 1);
    c[at] = COMBINES.indexOf(combine);
    if (c[at] < 0) {
      throw new BadInputException(
          where + ": unknown combine '" + combine + "' (valid: " + String.join(", ", COMBINES) + ")");
    }
    c[at + 1] = ACTIVATIONS.indexOf(activation);
    if (c[at + 1] < 0) {
      throw new BadInputException(
          where + ": unknown activation '" + activation + "' (valid: " + String.join(", ", ACTIVATIONS) + ")");
    }
  }

  /** A non-root node number 0..2b-3, or a BadInputException starting with {@code what}. */
  private int nonRoot(String what, String text) {
    int n = EnasRnnSpace.parseIndex(text);
    if (n < 0 || n >= root()) {
      throw new BadInputException(
          what + " '" + text + "' is out of range (valid: 0.." + (root() - 1) + ", the nodes below the root "
              + root() + ")");
    }
    return n;
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    g.node("x", "x_t", ArchitectureGraph.NodeKind.INPUT);
    g.node("h", "h_{t-1}", ArchitectureGraph.NodeKind.INPUT);
    g.node("c", "c_{t-1}", ArchitectureGraph.NodeKind.INPUT);
    for (int k = 0; k < nodeCount(); k++) {
      g.node("n" + k, k + ": " + combine(arch, k) + ", " + activation(arch, k), ArchitectureGraph.NodeKind.OP);
    }
    int at = injectAt(arch);
    g.node("inject", "inject: " + injectCombine(arch) + ", " + injectActivation(arch), ArchitectureGraph.NodeKind.COMBINE);
    g.edge("c", "inject", ArchitectureGraph.EdgeKind.STATE);
    for (int k = 0; k < nodeCount(); k++) {
      if (k < base) {
        g.edge("x", "n" + k, ArchitectureGraph.EdgeKind.DATA);
        g.edge("h", "n" + k, ArchitectureGraph.EdgeKind.DATA);
        continue;
      }
      for (int child : children(k)) {
        if (child == at) {
          g.edge("n" + child, "inject", ArchitectureGraph.EdgeKind.DATA);
          g.edge("inject", "n" + k, ArchitectureGraph.EdgeKind.DATA);
        } else {
          g.edge("n" + child, "n" + k, ArchitectureGraph.EdgeKind.DATA);
        }
      }
    }
    g.node("hout", "h_t", ArchitectureGraph.NodeKind.OUTPUT);
    g.node("cout", "c_t", ArchitectureGraph.NodeKind.OUTPUT);
    g.edge("n" + root(), "hout", ArchitectureGraph.EdgeKind.DATA);
    g.edge("n" + cellFrom(arch), "cout", "before activation", ArchitectureGraph.EdgeKind.STATE);
    return g.build();
  }
}
