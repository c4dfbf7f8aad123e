package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * NAS-Bench-201's cell: 4 nodes, each node i > 0 sums one op applied to every earlier node, so 6
 * edges x 5 ops = 15,625 cells. The canonical string is the benchmark's own, e.g. {@code
 * |nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|}.
 * Decisions are the edges in string order: 1&lt;-0, 2&lt;-0, 2&lt;-1, 3&lt;-0, 3&lt;-1, 3&lt;-2.
 *
 * <p>Its {@link #architectureGraph} is the cell DAG: nodes 0 (the cell's input) to 3 (its output), an edge
 * labelled with its op for every edge whose op is not {@code none} (a {@code none} edge carries
 * nothing, so it is left out).
 */
public final class NasBench201Space extends AbstractSearchSpace implements DrawableSpace {
  public static final String NAME = "nasbench201";
  public static final List<String> OPS =
      List.of("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");
  public static final int NODES = 4;
  public static final int DEFAULT_CELLS_PER_STAGE = 5;
  public static final int DEFAULT_CHANNELS = 16;

  // Network size for the model builder; the cell decisions do not depend on them.
  private final int cellsPerStage;
  private final int channels;

  public NasBench201Space() {
    this(DEFAULT_CELLS_PER_STAGE, DEFAULT_CHANNELS);
  }

  /**
   * @param cellsPerStage cells N in each of the 3 stages (the benchmark uses 5)
   * @param channels the first stage's width C (the benchmark uses 16; 2C, 4C after reductions)
   */
  public NasBench201Space(int cellsPerStage, int channels) {
    super(NAME, edges());
    if (cellsPerStage < 1 || channels < 1) {
      throw new IllegalArgumentException("nasbench201 needs cells_per_stage >= 1 and channels >= 1");
    }
    this.cellsPerStage = cellsPerStage;
    this.channels = channels;
  }

  public int cellsPerStage() {
    return cellsPerStage;
  }

  public int channels() {
    return channels;
  }

  private static List<Decision> edges() {
    List<Decision> d = new ArrayList<>();
    for (int to = 1; to < NODES; to++) {
      for (int from = 0; from < to; from++) {
        d.add(new Decision.Categorical("edge_" + to + "_" + from, OPS));
      }
    }
    return d;
  }

  /** Index of the decision for the edge {@code from -> to}. */
  public static int edgeIndex(int to, int from) {
    return to * (to - 1) / 2 + from;
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder("|");
    for (int to = 1; to < NODES; to++) {
      if (to > 1) {
        sb.append("+|");
      }
      for (int from = 0; from < to; from++) {
        sb.append(OPS.get(arch.get(edgeIndex(to, from)))).append('~').append(from).append('|');
      }
    }
    return sb.toString();
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty NAS-Bench-201 cell string");
    }
    String s = text.trim();
    String[] groups = s.split("\\+", -1);
    if (groups.length != NODES - 1) {
      throw new BadInputException(
          "NAS-Bench-201 cell string '" + s + "' has " + groups.length
              + " node groups separated by '+', expected 3 (e.g. |nor_conv_3x3~0|+|none~0|skip_connect~1|+|...~0|...~1|...~2|)");
    }
    int[] c = new int[6];
    for (int to = 1; to < NODES; to++) {
      String g = groups[to - 1];
      if (!g.startsWith("|") || !g.endsWith("|") || g.length() < 2) {
        throw new BadInputException("node " + to + " group '" + g + "' must start and end with '|'");
      }
      String[] entries = g.substring(1, g.length() - 1).split("\\|", -1);
      if (entries.length != to) {
        throw new BadInputException(
            "node " + to + " group '" + g + "' has " + entries.length + " edges, expected " + to);
      }
      for (int from = 0; from < to; from++) {
        String e = entries[from];
        int tilde = e.indexOf('~');
        if (tilde < 0) {
          throw new BadInputException("node " + to + " edge '" + e + "' is not op~input");
        }
        String op = e.substring(0, tilde);
        String in = e.substring(tilde + 1);
        int opIndex = OPS.indexOf(op);
        if (opIndex < 0) {
          throw new BadInputException(
              "node " + to + " edge '" + e + "': unknown op '" + op + "' (valid: " + String.join(", ", OPS) + ")");
        }
        if (!in.equals(Integer.toString(from))) {
          throw new BadInputException(
              "node " + to + " edge '" + e + "': input must be " + from + " at this position, got '" + in + "'");
        }
        c[edgeIndex(to, from)] = opIndex;
      }
    }
    return new Architecture(NAME, c);
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    for (int n = 0; n < NODES; n++) {
      String label = n == 0 ? "0 (input)" : n == NODES - 1 ? n + " (output)" : Integer.toString(n);
      ArchitectureGraph.NodeKind kind =
          n == 0 ? ArchitectureGraph.NodeKind.INPUT
              : n == NODES - 1 ? ArchitectureGraph.NodeKind.OUTPUT : ArchitectureGraph.NodeKind.STATE;
      g.node("n" + n, label, kind);
    }
    for (int to = 1; to < NODES; to++) {
      for (int from = 0; from < to; from++) {
        String op = OPS.get(arch.get(edgeIndex(to, from)));
        if (!op.equals("none")) {
          g.edge("n" + from, "n" + to, op, ArchitectureGraph.EdgeKind.DATA);
        }
      }
    }
    return g.build();
  }
}
