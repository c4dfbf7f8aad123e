package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NAS-RL convolutional space (Zoph &amp; Le 2017): a stack of {@code layers} conv layers, each
 * picking filter height, width and count (and optionally a stride), plus anchor-point skip
 * connections from every earlier layer. Every combination is valid: the model builder resolves
 * layers without inputs, size mismatches and dangling outputs the way the paper does.
 *
 * <p>Decisions, per layer i in order: {@code in_<j>_<i>} for j &lt; i (a {@link
 * Decision.Connection}, layer j feeds layer i), {@code filter_height_<i>}, {@code
 * filter_width_<i>}, {@code filters_<i>}, and with strides {@code stride_<i>}.
 *
 * <p>Canonical string: layers separated by {@code ;}, each {@code <height>x<width>x<filters>},
 * then {@code s<stride>} when strides are searched, then {@code <} and the comma-separated
 * ascending input layers when there is at least one, e.g. {@code 3x3x24;5x1x36<0;7x7x48<0,1}
 * or, with strides, {@code 3x3x24s1;5x1x36s2<0}.
 *
 * <p><b>ENAS's macro ops</b> ({@link #withOps}, config parameter {@code ops}): ENAS's macro
 * search space (Pham et al. 2018) over this space's layers and skip connections. Every layer has
 * the same {@code width} and picks an op among {@link #ENAS_OPS} (or a subset) instead of filter
 * height, width and count: decisions {@code in_<j>_<i>} for j &lt; i, then {@code op_<i>}. A
 * layer applies its op to the previous layer's output (layer 0 to the stem's) and adds the
 * outputs of the layers it connects to, so every layer keeps one shape whichever skips it takes.
 * Canonical string: layers separated by {@code ;}, each {@code <op>} then {@code <} and its
 * ascending skip inputs, e.g. {@code conv3x3;sep5x5<0;max3x3<0,1}.
 *
 * <p>Its {@link #architectureGraph} is the network as a layered graph: the image, one node per layer (kernel,
 * filters and stride, or the op), an edge from each layer it reads (a skip connection when that
 * is not the previous layer) and the classifier head, fed with what the network gives it (with
 * filter sizes: the last layer and every layer no later layer reads; with ops: the last layer,
 * after the stem that feeds layer 0).
 */
public final class NasRlMacroSpace extends AbstractSearchSpace implements DrawableSpace {
  public static final String NAME = "nasrl-macro";
  public static final int DEFAULT_LAYERS = 6;
  public static final List<Integer> DEFAULT_FILTER_SIZES = List.of(1, 3, 5, 7);
  public static final List<Integer> DEFAULT_FILTERS = List.of(24, 36, 48, 64);
  public static final List<Integer> STRIDES = List.of(1, 2);
  /** ENAS's six macro ops: convolutions, depthwise-separable convolutions and 3x3 pools. */
  public static final List<String> ENAS_OPS = List.of("conv3x3", "conv5x5", "sep3x3", "sep5x5", "max3x3", "avg3x3");
  /** The width of every layer with ENAS's ops when none is given (ENAS's macro search). */
  public static final int DEFAULT_WIDTH = 36;

  private static final Pattern LAYER =
      Pattern.compile("([^x<s]*)x([^x<s]*)x([^x<s]*)(?:s([^x<s]*))?(?:<(.*))?");

  private static final Pattern OP_LAYER = Pattern.compile("([^<]*)(?:<(.*))?");

  /** One layer with ENAS's ops: its op and the earlier layers whose outputs it adds. */
  public record OpLayer(String op, List<Integer> inputs) {
    public OpLayer {
      inputs = List.copyOf(inputs);
    }
  }

  /** One decoded layer: its kernel, filter count, stride and the earlier layers feeding it. */
  public record Layer(int kernelHeight, int kernelWidth, int filters, int stride, List<Integer> inputs) {
    public Layer {
      inputs = List.copyOf(inputs);
    }
  }

  private final int layers;
  private final List<Integer> filterSizes;
  private final List<Integer> filters;
  private final boolean strides;
  private final List<String> ops; // empty unless the layers pick ENAS's ops
  // Index of each layer's first decision, so layer i's decisions start at offsets[i].
  private final int[] offsets;

  public NasRlMacroSpace() {
    this(DEFAULT_LAYERS, DEFAULT_FILTER_SIZES, DEFAULT_FILTERS, false);
  }

  /**
   * @param filterSizes odd kernel sizes, used for both height and width ('same' padding needs odd)
   */
  public NasRlMacroSpace(int layers, List<Integer> filterSizes, List<Integer> filters, boolean strides) {
    this(layers, filterSizes, filters, strides, List.of());
  }

  private NasRlMacroSpace(
      int layers, List<Integer> filterSizes, List<Integer> filters, boolean strides, List<String> ops) {
    super(NAME, ops.isEmpty() ? decisions(layers, filterSizes, filters, strides) : opDecisions(layers, ops));
    this.layers = layers;
    this.filterSizes = List.copyOf(filterSizes);
    this.filters = List.copyOf(filters);
    this.strides = strides;
    this.ops = List.copyOf(ops);
    this.offsets = new int[layers];
    int o = 0;
    for (int i = 0; i < layers; i++) {
      offsets[i] = o;
      o += i + (ops.isEmpty() ? 3 + (strides ? 1 : 0) : 1);
    }
  }

  /**
   * The space with ENAS's macro ops: {@code layers} layers of {@code width} channels, each picking
   * one of {@code ops} (distinct names from {@link #ENAS_OPS}) and its skip inputs.
   */
  public static NasRlMacroSpace withOps(int layers, List<String> ops, int width) {
    if (width < 1) {
      throw new IllegalArgumentException("nasrl-macro needs a width >= 1");
    }
    return new NasRlMacroSpace(layers, List.of(), List.of(width), false, ops);
  }

  private static List<Decision> opDecisions(int layers, List<String> ops) {
    if (layers < 1) {
      throw new IllegalArgumentException("nasrl-macro needs >= 1 layer");
    }
    for (String op : ops) {
      if (!ENAS_OPS.contains(op)) {
        throw new IllegalArgumentException("unknown nasrl-macro op " + op + " (valid: " + String.join(", ", ENAS_OPS) + ")");
      }
    }
    List<Decision> d = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      for (int j = 0; j < i; j++) {
        d.add(new Decision.Connection("in_" + j + "_" + i, j, i));
      }
      d.add(new Decision.Categorical("op_" + i, ops));
    }
    return d;
  }

  private static List<Decision> decisions(
      int layers, List<Integer> filterSizes, List<Integer> filters, boolean strides) {
    if (layers < 1 || filterSizes.isEmpty() || filters.isEmpty()) {
      throw new IllegalArgumentException("nasrl-macro needs >= 1 layer, filter size and filter count");
    }
    List<String> sizes = filterSizes.stream().map(String::valueOf).toList();
    List<String> counts = filters.stream().map(String::valueOf).toList();
    List<String> strideLabels = STRIDES.stream().map(String::valueOf).toList();
    List<Decision> d = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      for (int j = 0; j < i; j++) {
        d.add(new Decision.Connection("in_" + j + "_" + i, j, i));
      }
      d.add(new Decision.Categorical("filter_height_" + i, sizes));
      d.add(new Decision.Categorical("filter_width_" + i, sizes));
      d.add(new Decision.Categorical("filters_" + i, counts));
      if (strides) {
        d.add(new Decision.Categorical("stride_" + i, strideLabels));
      }
    }
    return d;
  }

  public int layers() {
    return layers;
  }

  public List<Integer> filterSizes() {
    return filterSizes;
  }

  public List<Integer> filters() {
    return filters;
  }

  public boolean searchesStrides() {
    return strides;
  }

  /** The ops the layers pick among ({@link #withOps}), or empty when they pick filter sizes. */
  public List<String> ops() {
    return ops;
  }

  /** True when the layers pick ENAS's ops ({@link #withOps}) rather than filter sizes and counts. */
  public boolean searchesOps() {
    return !ops.isEmpty();
  }

  /** Every layer's channel count with ENAS's ops. */
  public int width() {
    requireOps(true);
    return filters.get(0);
  }

  private void requireOps(boolean wanted) {
    if (searchesOps() != wanted) {
      throw new IllegalStateException(
          wanted ? "this nasrl-macro space searches filter sizes, not ENAS's ops" : "this nasrl-macro space searches ENAS's ops");
    }
  }

  /** The earlier layers that layer {@code i} of {@code arch} connects to. */
  private List<Integer> inputs(Architecture arch, int i) {
    List<Integer> inputs = new ArrayList<>();
    for (int j = 0; j < i; j++) {
      if (arch.get(offsets[i] + j) == 1) {
        inputs.add(j);
      }
    }
    return inputs;
  }

  /** The layers of an architecture with ENAS's ops, in order. */
  public List<OpLayer> opLayers(Architecture arch) {
    requireOps(true);
    List<OpLayer> out = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      out.add(new OpLayer(ops.get(arch.get(offsets[i] + i)), inputs(arch, i)));
    }
    return out;
  }

  /** The layers of {@code arch} in order (the form the model builder consumes). */
  public List<Layer> layers(Architecture arch) {
    requireOps(false);
    List<Layer> out = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      int o = offsets[i];
      List<Integer> inputs = inputs(arch, i);
      o += i;
      int stride = strides ? STRIDES.get(arch.get(o + 3)) : 1;
      out.add(
          new Layer(
              filterSizes.get(arch.get(o)),
              filterSizes.get(arch.get(o + 1)),
              filters.get(arch.get(o + 2)),
              stride,
              inputs));
    }
    return out;
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder();
    List<Layer> ls = searchesOps() ? null : layers(arch);
    for (int i = 0; i < layers; i++) {
      if (i > 0) {
        sb.append(';');
      }
      if (searchesOps()) {
        sb.append(ops.get(arch.get(offsets[i] + i)));
      } else {
        Layer l = ls.get(i);
        sb.append(l.kernelHeight()).append('x').append(l.kernelWidth()).append('x').append(l.filters());
        if (strides) {
          sb.append('s').append(l.stride());
        }
      }
      List<Integer> inputs = inputs(arch, i);
      if (!inputs.isEmpty()) {
        sb.append('<');
        for (int k = 0; k < inputs.size(); k++) {
          sb.append(k > 0 ? "," : "").append(inputs.get(k));
        }
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
    String[] parts = s.split(";", -1);
    String example = searchesOps() ? ops.get(0) + "<0,1" : strides ? "3x5x36s1<0,1" : "3x5x36<0,1";
    if (parts.length != layers) {
      throw new BadInputException(
          NAME + " string '" + s + "' has " + parts.length + " layers separated by ';', expected "
              + layers + " (each like " + example + ")");
    }
    int[] c = new int[decisions().size()];
    for (int i = 0; i < layers; i++) {
      String part = parts[i];
      String where = NAME + " layer " + i + " '" + part + "'";
      if (searchesOps()) {
        Matcher m = OP_LAYER.matcher(part);
        m.matches(); // always: the pattern accepts any text
        decodeInputs(where, m.group(2), i, c);
        c[offsets[i] + i] = option(where, "op", m.group(1), decisions().get(offsets[i] + i));
        continue;
      }
      Matcher m = LAYER.matcher(part);
      if (!m.matches()) {
        throw new BadInputException(where + " is not <height>x<width>x<filters>" + (strides ? "s<stride>" : "")
            + "[<inputs], e.g. " + example);
      }
      decodeInputs(where, m.group(5), i, c);
      int o = offsets[i] + i;
      c[o] = option(where, "filter height", m.group(1), decisions().get(o));
      c[o + 1] = option(where, "filter width", m.group(2), decisions().get(o + 1));
      c[o + 2] = option(where, "filters", m.group(3), decisions().get(o + 2));
      if (strides) {
        if (m.group(4) == null) {
          throw new BadInputException(where + ": missing stride 's1' or 's2' after the filters");
        }
        c[o + 3] = option(where, "stride", m.group(4), decisions().get(o + 3));
      } else if (m.group(4) != null) {
        throw new BadInputException(where + ": this space does not search strides; remove 's" + m.group(4) + "'");
      }
    }
    return checked(new Architecture(NAME, c), s);
  }

  /** Sets layer {@code i}'s connections in {@code c} from the text after {@code <} (null: none). */
  private void decodeInputs(String where, String list, int i, int[] c) {
    if (list == null) {
      return;
    }
    if (list.isEmpty()) {
      throw new BadInputException(where + ": empty input list after '<' (omit '<' for no inputs)");
    }
    String first = searchesOps() ? "(layer 0 has no earlier layer)" : "(layer 0 takes only the image)";
    int previous = -1;
    for (String in : list.split(",", -1)) {
      int j = parseIndex(in);
      if (j < 0 || j >= i) {
        throw new BadInputException(
            where + ": input '" + in + "' is not an earlier layer " + (i == 0 ? first : "(valid: 0.." + (i - 1) + ")"));
      }
      if (j <= previous) {
        throw new BadInputException(where + ": inputs must be distinct and ascending, '" + in + "' is out of order");
      }
      previous = j;
      c[offsets[i] + j] = 1;
    }
  }

  /** A canonical non-negative integer (no sign, no leading zeros), or -1. */
  private static int parseIndex(String s) {
    if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)
        || (s.length() > 1 && s.charAt(0) == '0')) {
      return -1;
    }
    return Integer.parseInt(s);
  }

  private static int option(String where, String what, String value, Decision d) {
    int index = d.indexOf(value);
    if (index < 0) {
      throw new BadInputException(
          where + ": " + what + " '" + value + "' is not one of " + labels(d));
    }
    return index;
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    g.node("image", "image", ArchitectureGraph.NodeKind.INPUT);
    if (searchesOps()) {
      g.node("stem", "stem: conv3x3, " + width(), ArchitectureGraph.NodeKind.FIXED);
      g.edge("image", "stem", ArchitectureGraph.EdgeKind.DATA);
      List<OpLayer> ls = opLayers(arch);
      for (int i = 0; i < ls.size(); i++) {
        g.node("l" + i, "layer " + i + ": " + ls.get(i).op(), ArchitectureGraph.NodeKind.OP);
        g.edge(i == 0 ? "stem" : "l" + (i - 1), "l" + i, ArchitectureGraph.EdgeKind.DATA);
        for (int j : ls.get(i).inputs()) {
          g.edge("l" + j, "l" + i, ArchitectureGraph.EdgeKind.SKIP);
        }
      }
      g.node("head", "global avg pool, linear", ArchitectureGraph.NodeKind.FIXED);
      g.edge("l" + (layers - 1), "head", ArchitectureGraph.EdgeKind.DATA);
      return g.build();
    }
    List<Layer> ls = layers(arch);
    boolean[] read = new boolean[layers];
    for (int i = 0; i < ls.size(); i++) {
      Layer l = ls.get(i);
      g.node("l" + i, "layer " + i + ": conv " + l.kernelHeight() + "x" + l.kernelWidth() + ", " + l.filters()
          + (strides ? ", stride " + l.stride() : ""), ArchitectureGraph.NodeKind.OP);
      if (l.inputs().isEmpty()) {
        g.edge("image", "l" + i, ArchitectureGraph.EdgeKind.DATA);
      }
      for (int j : l.inputs()) {
        g.edge("l" + j, "l" + i, j == i - 1 ? ArchitectureGraph.EdgeKind.DATA : ArchitectureGraph.EdgeKind.SKIP);
        read[j] = true;
      }
    }
    List<Integer> finals = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      if (i == layers - 1 || !read[i]) {
        finals.add(i);
      }
    }
    g.node("head", (finals.size() > 1 ? "concat, " : "") + "global avg pool, linear", ArchitectureGraph.NodeKind.FIXED);
    for (int i : finals) {
      g.edge("l" + i, "head", ArchitectureGraph.EdgeKind.DATA);
    }
    return g.build();
  }
}
