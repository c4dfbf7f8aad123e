package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The NASNet/ENAS/PNAS micro space: one normal and one reduction cell, each of {@code blocks}
 * blocks; a block picks two inputs among the cell's inputs (0 = h[-2], 1 = h[-1]) and earlier
 * blocks (2.. = block 0..), and an op for each. The network stacks {@code stacks} groups of
 * {@code cells_per_stack} normal cells with a reduction cell between groups; {@code filters} is
 * the first stack's width (doubled at each reduction).
 *
 * <p>Decisions, for cell in (normal, reduce) and block b: {@code <cell>_b<b>_in1} (an {@link
 * Decision.InputChoice} for node b+2), {@code <cell>_b<b>_op1}, {@code <cell>_b<b>_in2}, {@code
 * <cell>_b<b>_op2}.
 *
 * <p>Node ids: the string, {@link Block} and {@link #toJson} number a block's inputs within its
 * cell (0, 1 = the cell's inputs, 2 + k = block k), but the {@link Decision.InputChoice} node ids
 * are distinct across cells (the reduction cell's are offset by {@code blocks + 2}), because they
 * are different tensors: a controller that keys attention anchors by node id must not read the
 * normal cell's nodes for a reduction block.
 *
 * <p>Canonical string: {@code normal:<block>/<block>/...;reduce:<block>/...}, each block {@code
 * in1,op1,in2,op2}, e.g. {@code normal:0,sep_conv_3x3,1,identity/2,avg_pool_3x3,0,identity;reduce:...}.
 *
 * <p><b>Shared cell</b> ({@code shared_cell: true}, PNAS): one cell, {@code cell}, whose structure
 * both the normal and the reduction cells take (the reduction cell runs its ops on the cell inputs
 * with stride 2). Decisions {@code cell_b<b>_in1, ...}; string {@code cell:<block>/<block>/...}.
 *
 * <p><b>Progressive</b> ({@code progressive: true}, implies a shared cell): cells of 1 to {@code
 * blocks} blocks, as PNAS trains them level by level. A first decision {@code blocks} (1..B) says
 * how many blocks the cell has; block k's decisions are active only when {@code blocks > k} (an
 * inactive one holds index 0, see {@link SearchSpace#canonical}). The string lists the cell's
 * blocks, so their number is the count of {@code /}-separated blocks: {@code
 * cell:0,sep_conv_3x3,1,identity} is a 1-block cell. Its neighbours and mutations change one
 * block decision, drop the last block, or add one block (every possible block for neighbours):
 * a jump of several blocks would switch on more combinations than a neighbourhood can list.
 *
 * <p>Its {@link #architectureGraph} draws each cell (normal and reduction, or the shared one) as a DAG in a
 * group of its own: the cell's inputs c[k-2] and c[k-1], each block's two ops and their sum, and
 * the concatenation of the blocks no other block reads, which is the cell's output c[k].
 */
public final class CellSpace extends AbstractSearchSpace implements DrawableSpace {
  public static final String NAME = "cell";
  public static final List<String> CELLS = List.of("normal", "reduce");
  /** The one cell of a shared-cell space. */
  public static final String SHARED_CELL = "cell";
  /** The decision that says how many blocks a progressive cell has. */
  public static final String BLOCKS = "blocks";
  /** Every op the model builder implements. */
  public static final List<String> KNOWN_OPS =
      List.of(
          "identity", "avg_pool_3x3", "max_pool_3x3", "conv_1x1", "conv_3x3", "conv_1x7_7x1",
          "sep_conv_3x3", "sep_conv_5x5", "sep_conv_7x7", "dil_conv_3x3", "dil_conv_5x5");
  public static final List<String> ENAS_OPS =
      List.of("sep_conv_3x3", "sep_conv_5x5", "avg_pool_3x3", "max_pool_3x3", "identity");
  public static final List<String> PNAS_OPS =
      List.of(
          "identity", "avg_pool_3x3", "max_pool_3x3", "conv_1x7_7x1", "sep_conv_3x3",
          "sep_conv_5x5", "sep_conv_7x7", "dil_conv_3x3");
  public static final List<String> PRESETS = List.of("enas", "pnas");
  public static final int DEFAULT_BLOCKS = 5;
  public static final int DEFAULT_CELLS_PER_STACK = 2;
  public static final int DEFAULT_FILTERS = 16;
  public static final int DEFAULT_STACKS = 3;

  /** One block: inputs are node ids (0, 1 = cell inputs; 2 + k = block k). */
  public record Block(int input1, String op1, int input2, String op2) {}

  private final int blocks;
  private final List<String> ops;
  private final int cellsPerStack;
  private final int filters;
  private final int stacks;
  private final boolean shared;
  private final boolean progressive;
  /** The cells the string and the decisions name: normal and reduce, or the shared one. */
  private final List<String> cellNames;
  /** Index of the first block decision (1 after the progressive space's {@code blocks}). */
  private final int first;

  public CellSpace() {
    this(DEFAULT_BLOCKS, ENAS_OPS, DEFAULT_CELLS_PER_STACK, DEFAULT_FILTERS, DEFAULT_STACKS);
  }

  /**
   * @param ops the op names searched, each one of {@link #KNOWN_OPS}
   */
  public CellSpace(int blocks, List<String> ops, int cellsPerStack, int filters, int stacks) {
    this(blocks, ops, cellsPerStack, filters, stacks, false, false);
  }

  /**
   * @param sharedCell one cell structure for normal and reduction cells (PNAS)
   * @param progressive cells of 1 to {@code blocks} blocks; needs {@code sharedCell}
   */
  public CellSpace(
      int blocks, List<String> ops, int cellsPerStack, int filters, int stacks, boolean sharedCell, boolean progressive) {
    super(NAME, decisions(blocks, ops, sharedCell, progressive));
    if (cellsPerStack < 1 || filters < 1 || stacks < 1) {
      throw new IllegalArgumentException("cell space needs cells_per_stack, filters, stacks >= 1");
    }
    this.blocks = blocks;
    this.ops = List.copyOf(ops);
    this.cellsPerStack = cellsPerStack;
    this.filters = filters;
    this.stacks = stacks;
    this.shared = sharedCell;
    this.progressive = progressive;
    this.cellNames = sharedCell ? List.of(SHARED_CELL) : CELLS;
    this.first = progressive ? 1 : 0;
  }

  private static List<Decision> decisions(int blocks, List<String> ops, boolean shared, boolean progressive) {
    if (blocks < 1 || ops.isEmpty()) {
      throw new IllegalArgumentException("cell space needs >= 1 block and >= 1 op");
    }
    if (progressive && !shared) {
      throw new IllegalArgumentException("a progressive cell space has a shared cell");
    }
    for (String op : ops) {
      if (!KNOWN_OPS.contains(op)) {
        throw new IllegalArgumentException("unknown cell op " + op);
      }
    }
    List<Decision> d = new ArrayList<>();
    if (progressive) {
      d.add(new Decision.IntRange(BLOCKS, 1, blocks));
    }
    List<String> names = shared ? List.of(SHARED_CELL) : CELLS;
    for (int cell = 0; cell < names.size(); cell++) {
      int node0 = cell * (blocks + 2); // the cell's node 0 (see the class comment on node ids)
      for (int b = 0; b < blocks; b++) {
        List<Integer> candidates = new ArrayList<>();
        for (int n = 0; n < b + 2; n++) {
          candidates.add(node0 + n);
        }
        String prefix = names.get(cell) + "_b" + b + "_";
        d.add(new Decision.InputChoice(prefix + "in1", node0 + b + 2, candidates));
        d.add(new Decision.Categorical(prefix + "op1", ops));
        d.add(new Decision.InputChoice(prefix + "in2", node0 + b + 2, candidates));
        d.add(new Decision.Categorical(prefix + "op2", ops));
      }
    }
    return d;
  }

  /**
   * Choice {@code index} of decision {@code d} as the string writes it: an input is its node
   * within the cell, which is its index, since every block's candidates are the cell's nodes in
   * order.
   */
  private static String label(Decision d, int index) {
    return d instanceof Decision.InputChoice ? Integer.toString(index) : d.label(index);
  }

  private static int indexOf(Decision d, String label) {
    for (int i = 0; i < d.cardinality(); i++) {
      if (label(d, i).equals(label)) {
        return i;
      }
    }
    return -1;
  }

  private static String cellLabels(Decision d) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < d.cardinality(); i++) {
      l.add(label(d, i));
    }
    return String.join(", ", l);
  }

  /** The most blocks a cell has (every cell's count unless the space is progressive). */
  public int blocks() {
    return blocks;
  }

  /** How many blocks {@code arch}'s cells have. */
  public int blocks(Architecture arch) {
    return progressive ? arch.get(0) + 1 : blocks;
  }

  public List<String> ops() {
    return ops;
  }

  public int cellsPerStack() {
    return cellsPerStack;
  }

  public int filters() {
    return filters;
  }

  public int stacks() {
    return stacks;
  }

  /** Whether the normal and reduction cells share one structure. */
  public boolean sharedCell() {
    return shared;
  }

  /** Whether cells have 1 to {@link #blocks()} blocks (the {@code blocks} decision). */
  public boolean progressive() {
    return progressive;
  }

  /** Index of decision {@code field} (0..3: in1, op1, in2, op2) of block {@code block} of cell {@code cell}. */
  private int index(int cell, int block, int field) {
    return first + (cell * blocks + block) * 4 + field;
  }

  /** The normal cell's blocks. */
  public List<Block> normalCell(Architecture arch) {
    return cell(arch, 0);
  }

  /** The reduction cell's blocks (the normal cell's when the cell is shared). */
  public List<Block> reductionCell(Architecture arch) {
    return cell(arch, shared ? 0 : 1);
  }

  private List<Block> cell(Architecture arch, int cell) {
    int n = blocks(arch);
    List<Block> out = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      int o = index(cell, b, 0);
      out.add(new Block(arch.get(o), ops.get(arch.get(o + 1)), arch.get(o + 2), ops.get(arch.get(o + 3))));
    }
    return out;
  }

  /**
   * The architecture of a progressive space whose cell is {@code cell} (1 to {@link #blocks()}
   * blocks, inputs numbered within the cell, ops of this space).
   *
   * @throws IllegalArgumentException when the space is not progressive or a block does not fit it
   */
  public Architecture ofCell(List<Block> cell) {
    if (!progressive) {
      throw new IllegalArgumentException("ofCell needs a progressive cell space");
    }
    if (cell.isEmpty() || cell.size() > blocks) {
      throw new IllegalArgumentException("a cell of this space has 1 to " + blocks + " blocks, got " + cell.size());
    }
    int[] c = new int[decisions().size()];
    c[0] = cell.size() - 1;
    for (int b = 0; b < cell.size(); b++) {
      Block k = cell.get(b);
      int o = index(0, b, 0);
      c[o] = k.input1();
      c[o + 1] = ops.indexOf(k.op1());
      c[o + 2] = k.input2();
      c[o + 3] = ops.indexOf(k.op2());
    }
    Architecture a = new Architecture(NAME, c);
    Optional<String> v = violation(a);
    if (v.isPresent()) {
      throw new IllegalArgumentException("cell " + cell + ": " + v.get());
    }
    return a;
  }

  @Override
  public boolean isActive(Architecture arch, int decision) {
    return !progressive || decision < first || (decision - first) / 4 < blocks(arch);
  }

  @Override
  public Architecture canonical(Architecture arch) {
    if (!progressive || arch.size() != decisions().size()) {
      return arch;
    }
    int[] c = arch.choices();
    boolean changed = false;
    for (int i = index(0, blocks(arch), 0); i < c.length; i++) {
      changed |= c[i] != 0;
      c[i] = 0;
    }
    return changed ? new Architecture(NAME, c) : arch;
  }

  @Override
  public Optional<String> violation(Architecture arch) {
    Optional<String> v = structuralViolation(arch);
    if (v.isPresent() || !progressive) {
      return v;
    }
    for (int i = index(0, blocks(arch), 0); i < arch.size(); i++) {
      if (arch.get(i) != 0) {
        return Optional.of(
            "decision " + decisions().get(i).name() + " is inactive (the cell has " + blocks(arch)
                + " blocks) but holds index " + arch.get(i) + "; an inactive decision holds index 0");
      }
    }
    return Optional.empty();
  }

  /** Exact for a progressive space: the sum over n of the n-block cells. */
  @Override
  public BigInteger size() {
    if (!progressive) {
      return super.size();
    }
    BigInteger total = BigInteger.ZERO;
    BigInteger cells = BigInteger.ONE;
    for (int n = 1; n <= blocks; n++) {
      long choices = (long) (n + 1) * (n + 1) * ops.size() * ops.size(); // block n-1: n+1 inputs each
      cells = cells.multiply(BigInteger.valueOf(choices));
      total = total.add(cells);
    }
    return total;
  }

  @Override
  public Architecture mutate(Architecture arch, RandomGenerator rng) {
    if (!progressive) {
      return super.mutate(arch, rng);
    }
    List<Integer> mutable = new ArrayList<>();
    for (int i = 0; i < decisions().size(); i++) {
      if (decisions().get(i).cardinality() > 1 && isActive(arch, i)) {
        mutable.add(i);
      }
    }
    int d = mutable.get(rng.nextInt(mutable.size()));
    if (d == 0) {
      int n = blocks(arch);
      boolean grow = n == 1 || n < blocks && rng.nextInt(2) == 0;
      if (!grow) {
        return canonical(arch.with(0, n - 2));
      }
      Architecture a = arch.with(0, n);
      for (int k = 0; k < 4; k++) {
        int i = index(0, n, k);
        a = a.with(i, rng.nextInt(decisions().get(i).cardinality()));
      }
      return a;
    }
    int card = decisions().get(d).cardinality();
    return arch.with(d, (arch.get(d) + 1 + rng.nextInt(card - 1)) % card);
  }

  @Override
  public List<Architecture> neighbours(Architecture arch) {
    if (!progressive) {
      return super.neighbours(arch);
    }
    Set<Architecture> out = new LinkedHashSet<>();
    int n = blocks(arch);
    if (n > 1) {
      out.add(canonical(arch.with(0, n - 2)));
    }
    if (n < blocks) {
      out.addAll(grown(arch));
    }
    for (int i = first; i < index(0, n, 0); i++) {
      for (int v = 0; v < decisions().get(i).cardinality(); v++) {
        if (v != arch.get(i)) {
          out.add(arch.with(i, v));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * {@code arch} with one more block, every possible one, in the order in1, op1, in2, op2 (the
   * last varying fastest); PNAS's expansion of a progressive cell.
   *
   * @throws IllegalArgumentException when the space is not progressive or the cell is full
   */
  public List<Architecture> grown(Architecture arch) {
    int n = blocks(arch);
    if (!progressive || n >= blocks) {
      throw new IllegalArgumentException("cannot grow a cell of " + n + " blocks in a space of at most " + blocks);
    }
    List<Architecture> out = new ArrayList<>();
    int inputs = n + 2;
    int[] c = arch.with(0, n).choices();
    int o = index(0, n, 0);
    for (int in1 = 0; in1 < inputs; in1++) {
      for (int op1 = 0; op1 < ops.size(); op1++) {
        for (int in2 = 0; in2 < inputs; in2++) {
          for (int op2 = 0; op2 < ops.size(); op2++) {
            c[o] = in1;
            c[o + 1] = op1;
            c[o + 2] = in2;
            c[o + 3] = op2;
            out.add(new Architecture(NAME, c));
          }
        }
      }
    }
    return out;
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder();
    for (int cell = 0; cell < cellNames.size(); cell++) {
      sb.append(cell > 0 ? ";" : "").append(cellNames.get(cell)).append(':');
      List<Block> bs = cell(arch, cell);
      for (int b = 0; b < bs.size(); b++) {
        Block k = bs.get(b);
        sb.append(b > 0 ? "/" : "")
            .append(k.input1()).append(',').append(k.op1()).append(',')
            .append(k.input2()).append(',').append(k.op2());
      }
    }
    return sb.toString();
  }

  /** What a string looks like in this space, for error messages. */
  private String form() {
    return shared ? SHARED_CELL + ":<blocks>" : "normal:<blocks>;reduce:<blocks>";
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty " + NAME + " architecture string");
    }
    String s = text.trim();
    String[] cells = s.split(";", -1);
    if (cells.length != cellNames.size()) {
      throw new BadInputException(
          NAME + " string '" + s + "' has " + cells.length + " cell" + (cells.length == 1 ? "" : "s")
              + " separated by ';', expected " + cellNames.size() + ": " + form());
    }
    int[] c = new int[decisions().size()];
    for (int cell = 0; cell < cellNames.size(); cell++) {
      String name = cellNames.get(cell);
      String part = cells[cell];
      if (!part.startsWith(name + ":")) {
        throw new BadInputException(
            NAME + " cell " + (cell + 1) + " '" + part + "' must start with '" + name + ":'");
      }
      String[] bs = part.substring(name.length() + 1).split("/", -1);
      if (progressive && (bs.length < 1 || bs.length > blocks)) {
        throw new BadInputException(
            NAME + " " + name + " cell has " + bs.length + " blocks separated by '/', expected 1 to " + blocks);
      }
      if (!progressive && bs.length != blocks) {
        throw new BadInputException(
            NAME + " " + name + " cell has " + bs.length + " blocks separated by '/', expected " + blocks);
      }
      if (progressive) {
        c[0] = bs.length - 1;
      }
      for (int b = 0; b < bs.length; b++) {
        String where = NAME + " " + name + " cell block " + b + " '" + bs[b] + "'";
        String[] f = bs[b].split(",", -1);
        if (f.length != 4) {
          throw new BadInputException(where + " has " + f.length + " fields, expected 4: input1,op1,input2,op2");
        }
        for (int k = 0; k < 4; k++) {
          int o = index(cell, b, k);
          Decision d = decisions().get(o);
          c[o] = indexOf(d, f[k]);
          if (c[o] < 0) {
            String what = k % 2 == 0 ? "input " + (k / 2 + 1) : "op " + (k / 2 + 1);
            throw new BadInputException(
                where + ": " + what + " '" + f[k] + "' is not valid (valid: " + cellLabels(d) + ")");
          }
        }
      }
    }
    return checked(new Architecture(NAME, c), s);
  }

  /** Active decisions with inputs numbered within their cell, as in the string. */
  @Override
  public ObjectNode toJson(Architecture arch) {
    ObjectNode o = super.toJson(arch);
    ObjectNode d = (ObjectNode) o.get("decisions");
    for (int i = 0; i < decisions().size(); i++) {
      if (isActive(arch, i)) {
        d.put(decisions().get(i).name(), label(decisions().get(i), arch.get(i)));
      }
    }
    return o;
  }

  /** Reads the string, else the decisions (inputs numbered within their cell, as {@link #toJson} writes them). */
  @Override
  public Architecture fromJson(ObjectNode json) {
    JsonNode d = json.get("decisions");
    if (json.path("string").isTextual() || d == null || !d.isObject()) {
      return super.fromJson(json);
    }
    int n = blocks;
    if (progressive) {
      JsonNode count = d.get(BLOCKS);
      if (count == null) {
        throw new BadInputException("architecture JSON lacks decision '" + BLOCKS + "'");
      }
      n = decisions().get(0).indexOf(count.asText()) + 1;
      if (n < 1) {
        throw new BadInputException(
            "decision " + BLOCKS + ": '" + count.asText() + "' is not valid (valid: " + labels(decisions().get(0)) + ")");
      }
    }
    ObjectNode copy = json.deepCopy();
    StringBuilder sb = new StringBuilder();
    for (int cell = 0; cell < cellNames.size(); cell++) {
      sb.append(cell > 0 ? ";" : "").append(cellNames.get(cell)).append(':');
      for (int b = 0; b < blocks; b++) {
        for (int k = 0; k < 4; k++) {
          String name = decisions().get(index(cell, b, k)).name();
          JsonNode v = d.get(name);
          if (b >= n) {
            if (v != null) {
              throw new BadInputException(
                  "architecture JSON gives decision '" + name + "', which is inactive in a cell of " + n
                      + " blocks; leave it out");
            }
            continue;
          }
          if (v == null) {
            throw new BadInputException("architecture JSON lacks decision '" + name + "'");
          }
          // decode() names a bad value with its cell, block and field
          sb.append(k > 0 ? "," : b > 0 ? "/" : "").append(v.asText());
        }
      }
    }
    copy.put("string", sb.toString());
    return super.fromJson(copy);
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    for (int cell = 0; cell < cellNames.size(); cell++) {
      String name = cellNames.get(cell);
      g.group(name, shared ? "cell (normal and reduction)" : cell == 0 ? "normal cell" : "reduction cell");
      String p = name + ".";
      g.node(p + "in0", "c[k-2]", ArchitectureGraph.NodeKind.INPUT);
      g.node(p + "in1", "c[k-1]", ArchitectureGraph.NodeKind.INPUT);
      List<Block> bs = cell(arch, cell);
      boolean[] read = new boolean[bs.size() + 2];
      for (int b = 0; b < bs.size(); b++) {
        Block k = bs.get(b);
        String id = p + "b" + b;
        g.node(id + ".op1", k.op1(), ArchitectureGraph.NodeKind.OP);
        g.node(id + ".op2", k.op2(), ArchitectureGraph.NodeKind.OP);
        g.node(id, "block " + b + ": add", ArchitectureGraph.NodeKind.COMBINE);
        g.edge(cellNode(p, k.input1()), id + ".op1", ArchitectureGraph.EdgeKind.DATA);
        g.edge(cellNode(p, k.input2()), id + ".op2", ArchitectureGraph.EdgeKind.DATA);
        g.edge(id + ".op1", id, ArchitectureGraph.EdgeKind.DATA);
        g.edge(id + ".op2", id, ArchitectureGraph.EdgeKind.DATA);
        read[k.input1()] = true;
        read[k.input2()] = true;
      }
      g.node(p + "out", "concat: c[k]", ArchitectureGraph.NodeKind.OUTPUT);
      for (int b = 0; b < bs.size(); b++) {
        if (!read[b + 2]) {
          g.edge(p + "b" + b, p + "out", ArchitectureGraph.EdgeKind.DATA);
        }
      }
    }
    return g.build();
  }

  /** The graph id of node {@code node} of a cell (0, 1 = its inputs; 2 + k = block k). */
  private static String cellNode(String prefix, int node) {
    return node < 2 ? prefix + "in" + node : prefix + "b" + (node - 2);
  }
}
