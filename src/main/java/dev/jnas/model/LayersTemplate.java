package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.DeclarativeSpace;
import dev.jnas.space.Decision;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Params;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A stack of layers written in the config, whose fields are literals or references to the space's
 * decisions ({@code $name}, read from the decision's option label; numbers are parsed). Parsing
 * checks every field against every option it can take, so a template that is wrong for some
 * architecture is rejected before any trial; {@link #plan} resolves it for one architecture into
 * concrete layers with shapes and multiply-adds.
 *
 * <pre>
 * model:
 *   layers:
 *     - conv: {kernel: $kernel, filters: $width, stride: 1, batch_norm: true}
 *       activation: $act
 *       repeat: $depth
 *     - pool: max                 # max | avg (2x2, stride 2) | global_avg | global_max, or {type, size, stride}
 *     - dropout: 0.2
 *     - dense: 128
 *       activation: relu
 * </pre>
 *
 * <p>Each entry holds one of {@code conv}, {@code pool}, {@code dense}, {@code dropout}, {@code
 * flatten} (or only an {@code activation}), plus an optional {@code activation} applied after it
 * and {@code repeat} (how many times the entry is stacked, 0 allowed). Convolutions use 'same'
 * padding (odd kernels); a batch norm follows them unless {@code batch_norm: false} (then the
 * convolution has a bias). A dense layer flattens an image input first. jnas adds the output layer:
 * a flatten if needed and a dense layer to the number of classes.
 */
final class LayersTemplate {
  static final String COMPONENT = "model layers";
  static final List<String> ACTIVATIONS =
      List.of("none", "relu", "gelu", "tanh", "sigmoid", "swish", "mish", "leaky_relu", "elu", "selu", "softplus");
  static final List<String> POOLS = List.of("max", "avg", "global_avg", "global_max");
  private static final int MAX_SIZE = 1 << 16;

  /** What the params bind to. */
  record Settings(List<LayerSettings> layers) {}

  /** One entry; exactly one of conv..flatten, or only an activation. */
  record LayerSettings(
      ConvSettings conv, JsonNode pool, JsonNode dense, JsonNode dropout, JsonNode flatten, JsonNode activation,
      JsonNode repeat) {}

  record ConvSettings(JsonNode kernel, JsonNode filters, JsonNode stride, JsonNode batchNorm) {}

  record PoolSettings(JsonNode type, JsonNode size, JsonNode stride) {}

  enum Kind {
    CONV, POOL, DENSE, DROPOUT, FLATTEN, ACTIVATION;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a field accepts: {@code parse} gives the value of a text, or null when it is not valid. */
  private record Rule(String what, Function<String, Object> parse) {
    static Rule integer(int min, int max, boolean odd) {
      return new Rule(
          (odd ? "an odd integer" : "an integer") + " in " + min + ".." + max,
          t -> {
            BigDecimal d = decimal(t);
            if (d == null || d.stripTrailingZeros().scale() > 0 || d.compareTo(BigDecimal.valueOf(min)) < 0
                || d.compareTo(BigDecimal.valueOf(max)) > 0 || (odd && d.intValue() % 2 == 0)) {
              return null;
            }
            return d.intValue();
          });
    }

    static Rule fraction() {
      return new Rule("a number in [0, 1)", t -> {
        BigDecimal d = decimal(t);
        return d == null || d.signum() < 0 || d.compareTo(BigDecimal.ONE) >= 0 ? null : d.doubleValue();
      });
    }

    static Rule word(List<String> valid) {
      return new Rule("one of " + String.join(", ", valid), t -> valid.contains(t) ? t : null);
    }

    static Rule bool() {
      return new Rule("true or false", t -> t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null);
    }

    private static BigDecimal decimal(String t) {
      try {
        return new BigDecimal(t.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** One field of one entry: a literal (text) or a decision whose option label is read. */
  private record Slot(String where, Rule rule, String literal, int decision) {
    Object get(Architecture arch, SearchSpace space) {
      if (decision < 0) {
        return rule.parse().apply(literal);
      }
      return rule.parse().apply(space.decisions().get(decision).label(arch.get(decision)));
    }
  }

  /** A parsed entry: its kind and its fields by name (absent fields take defaults in {@link #plan}). */
  private record Entry(int index, Kind kind, Map<String, Slot> fields) {
    String where() {
      return "layers[" + index + "] (" + kind.word() + ")";
    }
  }

  private final SearchSpace space;
  private final List<Entry> entries;

  private LayersTemplate(SearchSpace space, List<Entry> entries) {
    this.space = space;
    this.entries = entries;
  }

  SearchSpace space() {
    return space;
  }

  /**
   * Reads a template and checks it against {@code space}: every reference names a decision, every
   * field is valid for every option it can read, and every decision is used.
   *
   * @throws BadInputException naming the layer index and field
   */
  static LayersTemplate parse(JsonNode params, SearchSpace space) {
    Settings s = Params.bind(COMPONENT, params, Settings.class);
    if (s.layers() == null || s.layers().isEmpty()) {
      throw new BadInputException(
          COMPONENT + ": needs 'layers', a non-empty list such as [{conv: {kernel: 3, filters: 16}, activation: relu},"
              + " {pool: max}, {dense: 64}]");
    }
    Parser p = new Parser(space);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < s.layers().size(); i++) {
      entries.add(p.entry(i, s.layers().get(i)));
    }
    List<String> unused = new ArrayList<>();
    for (int d = 0; d < space.decisions().size(); d++) {
      if (!p.used.contains(d)) {
        unused.add(space.decisions().get(d).name());
      }
    }
    if (!unused.isEmpty()) {
      throw new BadInputException(
          COMPONENT + ": decision" + (unused.size() > 1 ? "s " : " ") + String.join(", ", unused)
              + (unused.size() > 1 ? " are" : " is") + " not used by the template, so architectures that differ only there"
              + " would train the same network; reference " + (unused.size() > 1 ? "them" : "it") + " as $"
              + unused.get(0) + " or remove " + (unused.size() > 1 ? "them" : "it") + " from the space");
    }
    return new LayersTemplate(space, List.copyOf(entries));
  }

  /** Reads entries, remembering which decisions they use. */
  private static final class Parser {
    final SearchSpace space;
    final Map<String, Integer> decisions = new LinkedHashMap<>();
    final TreeSet<Integer> used = new TreeSet<>();

    Parser(SearchSpace space) {
      this.space = space;
      for (int d = 0; d < space.decisions().size(); d++) {
        decisions.put(space.decisions().get(d).name(), d);
      }
    }

    Entry entry(int i, LayerSettings l) {
      String at = COMPONENT + ": layers[" + i + "]";
      if (l == null) {
        throw new BadInputException(at + " is empty");
      }
      List<String> kinds = new ArrayList<>();
      if (l.conv() != null) {
        kinds.add("conv");
      }
      if (present(l.pool())) {
        kinds.add("pool");
      }
      if (present(l.dense())) {
        kinds.add("dense");
      }
      if (present(l.dropout())) {
        kinds.add("dropout");
      }
      if (present(l.flatten())) {
        kinds.add("flatten");
      }
      if (kinds.size() > 1) {
        throw new BadInputException(at + " holds " + String.join(" and ", kinds) + "; one layer per entry");
      }
      Map<String, Slot> f = new LinkedHashMap<>();
      Kind kind;
      String prefix = "layers[" + i + "].";
      if (kinds.isEmpty()) {
        if (!present(l.activation())) {
          throw new BadInputException(at + " needs one of conv, pool, dense, dropout, flatten, activation");
        }
        kind = Kind.ACTIVATION;
      } else {
        kind = Kind.valueOf(kinds.get(0).toUpperCase(java.util.Locale.ROOT));
      }
      switch (kind) {
        case CONV -> {
          ConvSettings c = l.conv();
          f.put("kernel", slot(prefix + "conv.kernel", required(c.kernel(), prefix + "conv.kernel"), Rule.integer(1, 99, true)));
          f.put("filters", slot(prefix + "conv.filters", required(c.filters(), prefix + "conv.filters"), Rule.integer(1, MAX_SIZE, false)));
          optional(f, "stride", prefix + "conv.stride", c.stride(), Rule.integer(1, 99, false));
          optional(f, "batch_norm", prefix + "conv.batch_norm", c.batchNorm(), Rule.bool());
        }
        case POOL -> {
          if (l.pool().isObject()) {
            PoolSettings p = Params.bind("model " + prefix + "pool", l.pool(), PoolSettings.class);
            f.put("type", slot(prefix + "pool.type", required(p.type(), prefix + "pool.type"), Rule.word(POOLS)));
            optional(f, "size", prefix + "pool.size", p.size(), Rule.integer(1, 99, false));
            optional(f, "stride", prefix + "pool.stride", p.stride(), Rule.integer(1, 99, false));
          } else {
            f.put("type", slot(prefix + "pool", l.pool(), Rule.word(POOLS)));
          }
        }
        case DENSE -> f.put("units", slot(prefix + "dense", l.dense(), Rule.integer(1, 1 << 20, false)));
        case DROPOUT -> f.put("rate", slot(prefix + "dropout", l.dropout(), Rule.fraction()));
        case FLATTEN -> f.put("flatten", slot(prefix + "flatten", l.flatten(), Rule.bool()));
        case ACTIVATION -> { }
      }
      optional(f, "activation", prefix + "activation", l.activation(), Rule.word(ACTIVATIONS));
      optional(f, "repeat", prefix + "repeat", l.repeat(), Rule.integer(0, 1000, false));
      return new Entry(i, kind, f);
    }

    private static boolean present(JsonNode n) {
      return n != null && !n.isNull();
    }

    private static JsonNode required(JsonNode n, String where) {
      if (!present(n)) {
        throw new BadInputException(COMPONENT + ": parameter '" + where + "' is missing");
      }
      return n;
    }

    private void optional(Map<String, Slot> f, String name, String where, JsonNode n, Rule rule) {
      if (present(n)) {
        f.put(name, slot(where, n, rule));
      }
    }

    /** A field, checked now for its literal or for every option of the decision it references. */
    private Slot slot(String where, JsonNode n, Rule rule) {
      String at = COMPONENT + ": parameter '" + where + "'";
      if (!n.isValueNode()) {
        throw Params.bad(COMPONENT, where, rule.what() + " or a $decision", n);
      }
      String text = n.asText();
      if (n.isTextual() && text.startsWith("$")) {
        String name = text.substring(1);
        Integer d = decisions.get(name);
        if (d == null) {
          throw new BadInputException(
              at + ": '" + text + "' names no decision of search space " + space.name() + " (decisions: "
                  + String.join(", ", decisions.keySet()) + ")");
        }
        Decision dec = space.decisions().get(d);
        for (int k = 0; k < dec.cardinality(); k++) {
          if (rule.parse().apply(dec.label(k)) == null) {
            throw new BadInputException(
                at + " must be " + rule.what() + ", but decision '" + name + "' has option '" + dec.label(k) + "'");
          }
        }
        used.add(d);
        return new Slot(where, rule, null, d);
      }
      String literal = DeclarativeSpace.label(n);
      if (literal == null || rule.parse().apply(literal) == null) {
        throw Params.bad(COMPONENT, where, rule.what() + " or a $decision", n);
      }
      return new Slot(where, rule, literal, -1);
    }
  }

  // ---- one architecture's network ----

  /** A concrete layer with its per-example input and output shapes. */
  sealed interface Step {
    Shape out();

    default long flops() {
      return 0;
    }
  }

  record Conv(int kernel, int filters, int stride, boolean batchNorm, Shape in, Shape out, long flops) implements Step {}

  record Pool(String type, int size, int stride, Shape out) implements Step {}

  record Dense(int units, Shape out, long flops) implements Step {}

  record Dropout(double rate, Shape out) implements Step {}

  record Flatten(Shape out) implements Step {}

  record Activation(String name, Shape out) implements Step {}

  /** The layers of one architecture's network, the output layer included, and their multiply-adds. */
  record Plan(List<Step> steps, long flops) {}

  /**
   * The network of {@code arch} for examples of shape {@code (C, H, W)}.
   *
   * @throws BadInputException naming the layer whose input does not fit
   */
  Plan plan(Architecture arch, Shape input, int numClasses) {
    List<Step> steps = new ArrayList<>();
    Shape shape = input;
    for (Entry e : entries) {
      int repeat = (Integer) value(e, "repeat", arch, 1);
      String activation = (String) value(e, "activation", arch, "none");
      for (int r = 0; r < repeat; r++) {
        shape = add(steps, e, arch, shape);
        if (!activation.equals("none")) {
          steps.add(new Activation(activation, shape));
        }
      }
    }
    if (shape.dimension() > 1) {
      steps.add(new Flatten(new Shape(shape.size())));
      shape = new Shape(shape.size());
    }
    steps.add(new Dense(numClasses, new Shape(numClasses), shape.get(0) * numClasses));
    return new Plan(List.copyOf(steps), steps.stream().mapToLong(Step::flops).sum());
  }

  private Object value(Entry e, String field, Architecture arch, Object fallback) {
    Slot s = e.fields().get(field);
    return s == null ? fallback : s.get(arch, space);
  }

  /** Appends entry {@code e}'s layer for input {@code in}; returns its output shape. */
  private Shape add(List<Step> steps, Entry e, Architecture arch, Shape in) {
    switch (e.kind()) {
      case CONV -> {
        image(e, in);
        int k = (Integer) value(e, "kernel", arch, null);
        int f = (Integer) value(e, "filters", arch, null);
        int s = (Integer) value(e, "stride", arch, 1);
        boolean bn = (Boolean) value(e, "batch_norm", arch, true);
        Shape out = new Shape(f, Ops.outSize(Ops.height(in), k, s, k / 2, 1), Ops.outSize(Ops.width(in), k, s, k / 2, 1));
        steps.add(new Conv(k, f, s, bn, in, out, (long) k * k * Ops.channels(in) * f * out.get(1) * out.get(2)));
        return out;
      }
      case POOL -> {
        image(e, in);
        String type = (String) value(e, "type", arch, null);
        if (type.startsWith("global")) {
          Shape out = new Shape(Ops.channels(in));
          steps.add(new Pool(type, 0, 0, out));
          return out;
        }
        int size = (Integer) value(e, "size", arch, 2);
        int stride = (Integer) value(e, "stride", arch, size);
        if (size > Ops.height(in) || size > Ops.width(in)) {
          throw new BadInputException(
              COMPONENT + ": " + e.where() + ": a " + size + "x" + size + " window does not fit its "
                  + Ops.height(in) + "x" + Ops.width(in) + " input");
        }
        Shape out =
            new Shape(Ops.channels(in), Ops.outSize(Ops.height(in), size, stride, 0, 1), Ops.outSize(Ops.width(in), size, stride, 0, 1));
        steps.add(new Pool(type, size, stride, out));
        return out;
      }
      case DENSE -> {
        Shape flat = flatten(steps, in);
        int units = (Integer) value(e, "units", arch, null);
        Shape out = new Shape(units);
        steps.add(new Dense(units, out, flat.get(0) * units));
        return out;
      }
      case DROPOUT -> {
        steps.add(new Dropout((Double) value(e, "rate", arch, null), in));
        return in;
      }
      case FLATTEN -> {
        return (Boolean) value(e, "flatten", arch, null) ? flatten(steps, in) : in;
      }
      default -> {
        return in; // ACTIVATION: added by the caller
      }
    }
  }

  private static Shape flatten(List<Step> steps, Shape in) {
    if (in.dimension() == 1) {
      return in;
    }
    Shape out = new Shape(in.size());
    steps.add(new Flatten(out));
    return out;
  }

  private static void image(Entry e, Shape in) {
    if (in.dimension() != 3) {
      throw new BadInputException(
          COMPONENT + ": " + e.where() + " needs an image input (channels, height, width), but the layers before it"
              + " flattened it to " + in.get(0) + " features");
    }
  }

  /** The decisions and labels of {@code arch}, for messages. */
  String describe(Architecture arch) {
    List<String> parts = new ArrayList<>();
    for (int d = 0; d < space.decisions().size(); d++) {
      if (space.isActive(arch, d)) {
        parts.add(space.decisions().get(d).name() + "=" + space.decisions().get(d).label(arch.get(d)));
      }
    }
    return String.join(", ", parts);
  }
}
