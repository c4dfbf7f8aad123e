package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.List;

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
 */
public final class CellSpace extends AbstractSearchSpace {
  public static final String NAME = "cell";
  public static final List<String> CELLS = List.of("normal", "reduce");
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

  public CellSpace() {
    this(DEFAULT_BLOCKS, ENAS_OPS, DEFAULT_CELLS_PER_STACK, DEFAULT_FILTERS, DEFAULT_STACKS);
  }

  /**
   * @param ops the op names searched, each one of {@link #KNOWN_OPS}
   */
  public CellSpace(int blocks, List<String> ops, int cellsPerStack, int filters, int stacks) {
    super(NAME, decisions(blocks, ops));
    if (cellsPerStack < 1 || filters < 1 || stacks < 1) {
      throw new IllegalArgumentException("cell space needs cells_per_stack, filters, stacks >= 1");
    }
    this.blocks = blocks;
    this.ops = List.copyOf(ops);
    this.cellsPerStack = cellsPerStack;
    this.filters = filters;
    this.stacks = stacks;
  }

  private static List<Decision> decisions(int blocks, List<String> ops) {
    if (blocks < 1 || ops.isEmpty()) {
      throw new IllegalArgumentException("cell space needs >= 1 block and >= 1 op");
    }
    for (String op : ops) {
      if (!KNOWN_OPS.contains(op)) {
        throw new IllegalArgumentException("unknown cell op " + op);
      }
    }
    List<Decision> d = new ArrayList<>();
    for (int cell = 0; cell < CELLS.size(); cell++) {
      int first = cell * (blocks + 2); // the cell's node 0 (see the class comment on node ids)
      for (int b = 0; b < blocks; b++) {
        List<Integer> candidates = new ArrayList<>();
        for (int n = 0; n < b + 2; n++) {
          candidates.add(first + n);
        }
        String prefix = CELLS.get(cell) + "_b" + b + "_";
        d.add(new Decision.InputChoice(prefix + "in1", first + b + 2, candidates));
        d.add(new Decision.Categorical(prefix + "op1", ops));
        d.add(new Decision.InputChoice(prefix + "in2", first + b + 2, candidates));
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

  public int blocks() {
    return blocks;
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

  /** The normal cell's blocks. */
  public List<Block> normalCell(Architecture arch) {
    return cell(arch, 0);
  }

  /** The reduction cell's blocks. */
  public List<Block> reductionCell(Architecture arch) {
    return cell(arch, 1);
  }

  private List<Block> cell(Architecture arch, int cell) {
    List<Block> out = new ArrayList<>(blocks);
    int o = cell * blocks * 4;
    for (int b = 0; b < blocks; b++, o += 4) {
      out.add(new Block(arch.get(o), ops.get(arch.get(o + 1)), arch.get(o + 2), ops.get(arch.get(o + 3))));
    }
    return out;
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder();
    for (int cell = 0; cell < CELLS.size(); cell++) {
      sb.append(cell > 0 ? ";" : "").append(CELLS.get(cell)).append(':');
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

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty " + NAME + " architecture string");
    }
    String s = text.trim();
    String[] cells = s.split(";", -1);
    if (cells.length != CELLS.size()) {
      throw new BadInputException(
          NAME + " string '" + s + "' has " + cells.length
              + " cells separated by ';', expected 2: normal:<blocks>;reduce:<blocks>");
    }
    int[] c = new int[decisions().size()];
    for (int cell = 0; cell < CELLS.size(); cell++) {
      String name = CELLS.get(cell);
      String part = cells[cell];
      if (!part.startsWith(name + ":")) {
        throw new BadInputException(
            NAME + " cell " + (cell + 1) + " '" + part + "' must start with '" + name + ":'");
      }
      String[] bs = part.substring(name.length() + 1).split("/", -1);
      if (bs.length != blocks) {
        throw new BadInputException(
            NAME + " " + name + " cell has " + bs.length + " blocks separated by '/', expected " + blocks);
      }
      for (int b = 0; b < blocks; b++) {
        String where = NAME + " " + name + " cell block " + b + " '" + bs[b] + "'";
        String[] f = bs[b].split(",", -1);
        if (f.length != 4) {
          throw new BadInputException(where + " has " + f.length + " fields, expected 4: input1,op1,input2,op2");
        }
        int o = (cell * blocks + b) * 4;
        for (int k = 0; k < 4; k++) {
          Decision d = decisions().get(o + k);
          c[o + k] = indexOf(d, f[k]);
          if (c[o + k] < 0) {
            String what = k % 2 == 0 ? "input " + (k / 2 + 1) : "op " + (k / 2 + 1);
            throw new BadInputException(
                where + ": " + what + " '" + f[k] + "' is not valid (valid: " + cellLabels(d) + ")");
          }
        }
      }
    }
    return checked(new Architecture(NAME, c), s);
  }

  /** Decisions with inputs numbered within their cell, as in the string. */
  @Override
  public ObjectNode toJson(Architecture arch) {
    ObjectNode o = super.toJson(arch);
    ObjectNode d = (ObjectNode) o.get("decisions");
    for (int i = 0; i < decisions().size(); i++) {
      d.put(decisions().get(i).name(), label(decisions().get(i), arch.get(i)));
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
    ObjectNode copy = json.deepCopy();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < decisions().size(); i++) {
      String name = decisions().get(i).name();
      JsonNode v = d.get(name);
      if (v == null) {
        throw new BadInputException("architecture JSON lacks decision '" + name + "'");
      }
      // decode() names a bad value with its cell, block and field
      sb.append(i == 0 ? "" : i % (blocks * 4) == 0 ? ";" : i % 4 == 0 ? "/" : ",")
          .append(i % (blocks * 4) == 0 ? CELLS.get(i / (blocks * 4)) + ":" : "")
          .append(v.asText());
    }
    copy.put("string", sb.toString());
    return super.fromJson(copy);
  }
}
