package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The adaptive ResNet-50 search space of "Search Space Adaptation for Differentiable Neural
 * Architecture Search in Image Classification" (seed 002): ResNet-50's four stages of bottleneck
 * blocks (3, 4, 6, 3), whose blocks inside the search scope become search blocks. The scope grows
 * from the deepest stage: {@code s} searches stage 4 only, {@code m} stages 3-4, {@code l} stages
 * 2-4, {@code f} all four. Blocks outside the scope are plain ResNet-50 bottlenecks (3x3, ReLU).
 *
 * <p>Each search block has one decision, named {@code stage<S>_block<B>} (both from 1), with six
 * options: the middle convolution's kernel (3 or 5) times the block's activation (ReLU,
 * LeakyReLU, Mish), named {@code k3_relu}, {@code k3_leaky_relu}, {@code k3_mish}, {@code
 * k5_relu}, {@code k5_leaky_relu}, {@code k5_mish}. The activation replaces all three ReLUs of
 * the bottleneck: after the first 1x1 convolution's batch norm, after the middle convolution's,
 * and after the residual addition (torchvision's bottleneck applies one activation module in
 * these three places; the paper's "activation following convolution operations").
 *
 * <p>Canonical string: the search blocks' options in network order joined by {@code ,}, e.g.
 * {@code k3_relu,k5_mish,k3_leaky_relu} for scope {@code s}.
 *
 * <p>The network's size is part of the space, as NAS-Bench-201's channels are: a {@code width}
 * multiplier scales every channel count (stem 64, bottleneck widths 64, 128, 256, 512, outputs
 * four times those), each at least {@link #MIN_CHANNELS}; {@code blocks} may shorten the stages.
 *
 * <p>Its {@link #architectureGraph} is the network's chain: the stem, each stage as a group of its bottleneck
 * blocks (a searched block shows its kernel and activation, a plain one is drawn as fixed), and
 * the head.
 */
public final class ResNetScopeSpace extends AbstractSearchSpace implements DrawableSpace {
  public static final String NAME = "resnet50-scope";
  public static final List<Integer> KERNELS = List.of(3, 5);
  public static final List<String> ACTIVATIONS = List.of("relu", "leaky_relu", "mish");
  /** The six options of every search block, kernel-major. */
  public static final List<String> OPS = ops();
  /** ResNet-50's bottleneck blocks per stage. */
  public static final List<Integer> RESNET50_BLOCKS = List.of(3, 4, 6, 3);
  public static final int STAGES = 4;
  /** ResNet-50's stem channels and first stage's bottleneck width; later stages double it. */
  public static final int BASE_CHANNELS = 64;
  /** A bottleneck's output has this many times its width's channels. */
  public static final int EXPANSION = 4;
  public static final int MIN_CHANNELS = 8;
  /** Scope {@code s}: a quarter of the search cost of {@code f} and the paper's cheapest. */
  public static final Scope DEFAULT_SCOPE = Scope.S;
  /** An eighth of ResNet-50's channels, small enough to train on a 2-core CPU. */
  public static final double DEFAULT_WIDTH = 0.125;

  /** The search scope: how many of the deepest stages hold search blocks. */
  public enum Scope {
    S(1),
    M(2),
    L(3),
    F(4);

    private final int stages;

    Scope(int stages) {
      this.stages = stages;
    }

    /** Number of searched stages, counted from the deepest. */
    public int stages() {
      return stages;
    }

    /** The config's letter: {@code s}, {@code m}, {@code l} or {@code f}. */
    public String letter() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The scope of a letter, or null when it is none. */
    public static Scope ofLetter(String letter) {
      for (Scope s : values()) {
        if (s.letter().equals(letter)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * One bottleneck block of the network, in order: its stage (1-4) and position in it (1-based),
   * the decision it follows (-1 outside the scope) and the kernel and activation it uses.
   */
  public record Bottleneck(int stage, int index, int decision, int kernel, String activation) {
    public boolean searched() {
      return decision >= 0;
    }
  }

  private final Scope scope;
  private final double width;
  private final List<Integer> blocks;

  public ResNetScopeSpace() {
    this(DEFAULT_SCOPE, DEFAULT_WIDTH, RESNET50_BLOCKS);
  }

  /**
   * @param width channel multiplier in (0, 4]; every channel count is at least {@link #MIN_CHANNELS}
   * @param blocks bottleneck blocks per stage, four positive numbers (ResNet-50: 3, 4, 6, 3)
   */
  public ResNetScopeSpace(Scope scope, double width, List<Integer> blocks) {
    super(NAME, decisions(scope, blocks));
    if (!(width > 0 && width <= 4)) {
      throw new IllegalArgumentException(NAME + " needs 0 < width <= 4, got " + width);
    }
    this.scope = scope;
    this.width = width;
    this.blocks = List.copyOf(blocks);
  }

  private static List<String> ops() {
    List<String> out = new ArrayList<>();
    for (int k : KERNELS) {
      for (String a : ACTIVATIONS) {
        out.add("k" + k + "_" + a);
      }
    }
    return List.copyOf(out);
  }

  private static List<Decision> decisions(Scope scope, List<Integer> blocks) {
    if (blocks.size() != STAGES || blocks.stream().anyMatch(b -> b == null || b < 1)) {
      throw new IllegalArgumentException(NAME + " needs " + STAGES + " positive block counts, got " + blocks);
    }
    List<Decision> d = new ArrayList<>();
    for (int stage = STAGES - scope.stages() + 1; stage <= STAGES; stage++) {
      for (int b = 1; b <= blocks.get(stage - 1); b++) {
        d.add(new Decision.Categorical("stage" + stage + "_block" + b, OPS));
      }
    }
    return d;
  }

  public Scope scope() {
    return scope;
  }

  public double width() {
    return width;
  }

  public List<Integer> blocks() {
    return blocks;
  }

  /** The stem's output channels. */
  public int stemChannels() {
    return scaled(BASE_CHANNELS);
  }

  /** The bottleneck width (middle convolution's channels) of stage {@code stage} (1-4). */
  public int bottleneckWidth(int stage) {
    return scaled(BASE_CHANNELS << (stage - 1));
  }

  /** The output channels of stage {@code stage}'s blocks. */
  public int stageChannels(int stage) {
    return EXPANSION * bottleneckWidth(stage);
  }

  private int scaled(int channels) {
    return Math.max(MIN_CHANNELS, (int) Math.round(channels * width));
  }

  /** The kernel (3 or 5) of option {@code op} (an index into {@link #OPS}). */
  public static int kernel(int op) {
    return KERNELS.get(op / ACTIVATIONS.size());
  }

  /** The activation of option {@code op}: {@code relu}, {@code leaky_relu} or {@code mish}. */
  public static String activation(int op) {
    return ACTIVATIONS.get(op % ACTIVATIONS.size());
  }

  /** Every bottleneck block of {@code arch}'s network in order, searched or plain. */
  public List<Bottleneck> bottlenecks(Architecture arch) {
    List<Bottleneck> out = new ArrayList<>();
    int decision = 0;
    int firstSearched = STAGES - scope.stages() + 1;
    for (int stage = 1; stage <= STAGES; stage++) {
      for (int b = 1; b <= blocks.get(stage - 1); b++) {
        if (stage >= firstSearched) {
          int op = arch.get(decision);
          out.add(new Bottleneck(stage, b, decision, kernel(op), activation(op)));
          decision++;
        } else {
          out.add(new Bottleneck(stage, b, -1, 3, "relu"));
        }
      }
    }
    return out;
  }

  @Override
  public String encode(Architecture arch) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < arch.size(); i++) {
      parts.add(OPS.get(arch.get(i)));
    }
    return String.join(",", parts);
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty " + NAME + " architecture string");
    }
    String[] parts = text.split(",", -1);
    List<Decision> ds = decisions();
    if (parts.length != ds.size()) {
      throw new BadInputException(
          NAME + " string '" + text + "' has " + parts.length + " blocks separated by ',', expected " + ds.size()
              + " (one per search block of scope " + scope.letter() + ": " + names(ds) + "), e.g. "
              + String.join(",", java.util.Collections.nCopies(ds.size(), OPS.get(0))));
    }
    int[] c = new int[ds.size()];
    for (int i = 0; i < parts.length; i++) {
      c[i] = OPS.indexOf(parts[i]);
      if (c[i] < 0) {
        throw new BadInputException(
            NAME + " block " + (i + 1) + " (" + ds.get(i).name() + "): unknown op '" + parts[i] + "' (valid: "
                + String.join(", ", OPS) + ")");
      }
    }
    return checked(new Architecture(NAME, c), text);
  }

  private static String names(List<Decision> ds) {
    List<String> out = new ArrayList<>();
    for (Decision d : ds) {
      out.add(d.name());
    }
    return String.join(", ", out);
  }

  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph.Builder g = ArchitectureGraph.builder();
    g.node("image", "image", ArchitectureGraph.NodeKind.INPUT);
    g.node("stem", "stem, " + stemChannels(), ArchitectureGraph.NodeKind.FIXED);
    g.edge("image", "stem", ArchitectureGraph.EdgeKind.DATA);
    String previous = "stem";
    int stage = 0;
    for (Bottleneck b : bottlenecks(arch)) {
      if (b.stage() != stage) {
        stage = b.stage();
        g.group("stage" + stage, "stage " + stage + ": width " + bottleneckWidth(stage) + ", out " + stageChannels(stage));
      }
      String id = "s" + b.stage() + "b" + b.index();
      g.node(id, "block " + b.index() + ": " + b.kernel() + "x" + b.kernel() + ", " + b.activation(),
          b.searched() ? ArchitectureGraph.NodeKind.OP : ArchitectureGraph.NodeKind.FIXED);
      g.edge(previous, id, ArchitectureGraph.EdgeKind.DATA);
      previous = id;
    }
    g.in(null);
    g.node("head", "global avg pool, linear", ArchitectureGraph.NodeKind.FIXED);
    g.edge(previous, "head", ArchitectureGraph.EdgeKind.DATA);
    return g.build();
  }
}
