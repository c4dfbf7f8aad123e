package dev.jnas.space;

import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A convolutional network as a graph of layers, the architecture that network morphisms grow: it
 * is not a point of a fixed space, so it is stored whole (Jackson writes and reads the record).
 * Layers are in topological order and read the image (id {@value #INPUT}) or earlier layers; the
 * last layer feeds the classifier head (global average pooling and one linear layer), which the
 * model builder adds.
 *
 * <p>Every layer's output is non-negative (convolutions end in ReLU; pooling, sums and
 * concatenations of non-negative maps stay so), which is what makes an inserted identity
 * convolution exact after any layer.
 *
 * @param layers the layers, each reading only the input or layers before it
 */
public record LayerGraph(List<Layer> layers) {
  /** The id by which layers read the input image. */
  public static final String INPUT = "input";

  /** What a layer computes. */
  public enum Kind {
    /** k x k convolution ('same' padding, no bias), batch norm, ReLU. */
    CONV,
    /** 2 x 2 max pooling with stride 2. */
    POOL,
    /** Element-wise sum of inputs of the same shape. */
    ADD,
    /** Channel concatenation of inputs of the same height and width. */
    CONCAT
  }

  /**
   * One layer.
   *
   * @param id unique name, also the prefix of its parameters' names
   * @param kind what it computes
   * @param inputs ids of the layers (or {@value #INPUT}) it reads
   * @param filters output channels of a convolution (0 for other kinds)
   * @param kernel odd kernel size of a convolution (0 for other kinds)
   */
  public record Layer(String id, Kind kind, List<String> inputs, int filters, int kernel) {
    public Layer {
      inputs = List.copyOf(inputs);
    }

    /** A convolution layer. */
    public static Layer conv(String id, String input, int filters, int kernel) {
      return new Layer(id, Kind.CONV, List.of(input), filters, kernel);
    }

    /** A pooling layer. */
    public static Layer pool(String id, String input) {
      return new Layer(id, Kind.POOL, List.of(input), 0, 0);
    }

    /** A sum of {@code inputs}. */
    public static Layer add(String id, String... inputs) {
      return new Layer(id, Kind.ADD, List.of(inputs), 0, 0);
    }

    /** A concatenation of {@code inputs}. */
    public static Layer concat(String id, String... inputs) {
      return new Layer(id, Kind.CONCAT, List.of(inputs), 0, 0);
    }

    /** This layer reading {@code inputs} instead. */
    public Layer withInputs(List<String> inputs) {
      return new Layer(id, kind, inputs, filters, kernel);
    }

    @Override
    public String toString() {
      String in = String.join(",", inputs);
      return switch (kind) {
        case CONV -> String.format(Locale.ROOT, "%s=conv%dx%d(%d)<%s", id, kernel, kernel, filters, in);
        case POOL -> id + "=pool<" + in;
        case ADD -> id + "=add<" + in;
        case CONCAT -> id + "=concat<" + in;
      };
    }
  }

  /** Per-example shape of a layer's output. */
  public record Shape(int channels, int height, int width) {}

  public LayerGraph {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new BadInputException("layer graph: no layers");
    }
    Set<String> defined = new HashSet<>(Set.of(INPUT));
    Set<String> used = new HashSet<>();
    for (Layer l : layers) {
      String where = "layer graph, layer '" + l.id() + "'";
      if (l.id() == null || l.id().isBlank() || l.id().equals(INPUT)) {
        throw new BadInputException("layer graph: a layer needs an id other than '" + INPUT + "', got '" + l.id() + "'");
      }
      if (!defined.add(l.id())) {
        throw new BadInputException(where + ": the id is used twice");
      }
      int arity = l.inputs().size();
      boolean single = l.kind() == Kind.CONV || l.kind() == Kind.POOL;
      if (single ? arity != 1 : arity < 2) {
        throw new BadInputException(where + ": " + l.kind().name().toLowerCase(Locale.ROOT)
            + (single ? " reads exactly one input" : " reads at least two inputs") + ", got " + arity);
      }
      for (String in : l.inputs()) {
        if (!defined.contains(in) || in.equals(l.id())) {
          throw new BadInputException(where + ": input '" + in + "' is not the input or an earlier layer");
        }
        used.add(in);
      }
      if (l.kind() == Kind.CONV && (l.filters() < 1 || l.kernel() < 1 || l.kernel() % 2 == 0)) {
        throw new BadInputException(where + ": a convolution needs filters >= 1 and an odd kernel, got filters "
            + l.filters() + ", kernel " + l.kernel());
      }
    }
    for (Layer l : layers.subList(0, layers.size() - 1)) {
      if (!used.contains(l.id())) {
        throw new BadInputException("layer graph, layer '" + l.id() + "': no layer reads it (only the last one feeds the head)");
      }
    }
  }

  /** The layer named {@code id}. */
  public Layer layer(String id) {
    return layers.stream()
        .filter(l -> l.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new BadInputException("layer graph: no layer '" + id + "'"));
  }

  /** The layer feeding the head. */
  public Layer output() {
    return layers.get(layers.size() - 1);
  }

  /** Position of layer {@code id} in the order. */
  public int indexOf(String id) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).id().equals(id)) {
        return i;
      }
    }
    throw new BadInputException("layer graph: no layer '" + id + "'");
  }

  /** Ids of the layers that read {@code id}, in order. */
  public List<String> consumers(String id) {
    return layers.stream().filter(l -> l.inputs().contains(id)).map(Layer::id).toList();
  }

  /**
   * Every layer's output shape for an input of {@code input}; the input's own under {@value
   * #INPUT}.
   *
   * @throws BadInputException naming the layer whose inputs do not fit together
   */
  public Map<String, Shape> shapes(Shape input) {
    Map<String, Shape> s = new LinkedHashMap<>();
    s.put(INPUT, input);
    for (Layer l : layers) {
      List<Shape> in = l.inputs().stream().map(s::get).toList();
      Shape first = in.get(0);
      String where = "layer graph, layer '" + l.id() + "'";
      Shape out =
          switch (l.kind()) {
            case CONV -> new Shape(l.filters(), first.height(), first.width());
            case POOL -> {
              if (first.height() < 2 || first.width() < 2) {
                throw new BadInputException(where + ": cannot pool a " + first.height() + "x" + first.width() + " map");
              }
              yield new Shape(first.channels(), first.height() / 2, first.width() / 2);
            }
            case ADD -> {
              for (Shape o : in) {
                if (!o.equals(first)) {
                  throw new BadInputException(where + ": adds inputs of different shapes " + in);
                }
              }
              yield first;
            }
            case CONCAT -> {
              int c = 0;
              for (Shape o : in) {
                if (o.height() != first.height() || o.width() != first.width()) {
                  throw new BadInputException(where + ": concatenates maps of different sizes " + in);
                }
                c += o.channels();
              }
              yield new Shape(c, first.height(), first.width());
            }
          };
      s.put(l.id(), out);
    }
    return s;
  }

  /**
   * The layers with every read of {@code from} by the layers in {@code readers} replaced by
   * {@code to} (the graph is not checked: the caller completes the change first).
   */
  static List<Layer> rewired(List<Layer> layers, Set<String> readers, String from, String to) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : layers) {
      if (readers.contains(l.id())) {
        out.add(l.withInputs(l.inputs().stream().map(i -> i.equals(from) ? to : i).toList()));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * A copy in which the layers now reading {@code from} read {@code to} instead, and {@code
   * added} are inserted after {@code after} (so {@code to}, one of them, can read {@code from}).
   */
  public LayerGraph redirecting(String from, String after, List<Layer> added, String to) {
    Set<String> readers = new HashSet<>(consumers(from));
    List<Layer> l = rewired(layers, readers, from, to);
    l.addAll(indexOf(after) + 1, added);
    return new LayerGraph(l);
  }

  /** A copy without layer {@code id}, whose readers read {@code replacement} instead. */
  public LayerGraph removing(String id, String replacement) {
    Set<String> readers = new HashSet<>(consumers(id));
    List<Layer> l = rewired(layers, readers, id, replacement);
    l.removeIf(x -> x.id().equals(id));
    return new LayerGraph(l);
  }

  /** A copy with layer {@code id}'s filters set to {@code filters}. */
  public LayerGraph withFilters(String id, int filters) {
    List<Layer> l = new ArrayList<>();
    for (Layer x : layers) {
      l.add(x.id().equals(id) ? new Layer(x.id(), x.kind(), x.inputs(), filters, x.kernel()) : x);
    }
    return new LayerGraph(l);
  }

  /** An id not used yet, {@code prefix} followed by a number. */
  public String freshId(String prefix) {
    Set<String> ids = layers.stream().map(Layer::id).collect(Collectors.toSet());
    for (int i = layers.size(); ; i++) {
      if (!ids.contains(prefix + i)) {
        return prefix + i;
      }
    }
  }

  private static final java.util.regex.Pattern LAYER =
      java.util.regex.Pattern.compile(
          "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(?:conv(\\d+)x(\\d+)\\((\\d+)\\)|(pool|add|concat))\\s*<\\s*([A-Za-z0-9_,\\s]+?)\\s*");

  /**
   * Reads the text {@link #toString()} writes: layers separated by {@code ;}, each {@code
   * id=conv3x3(16)<input}, {@code id=pool<c1}, {@code id=add<c1,c2} or {@code id=concat<c1,c2}.
   *
   * @throws BadInputException naming the layer (by position) that does not read, or what is wrong
   *     with the graph
   */
  public static LayerGraph parse(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("layer graph: empty text");
    }
    List<Layer> layers = new ArrayList<>();
    String[] parts = text.split(";", -1);
    for (int i = 0; i < parts.length; i++) {
      java.util.regex.Matcher m = LAYER.matcher(parts[i]);
      if (!m.matches()) {
        throw new BadInputException("layer graph, layer " + (i + 1) + " '" + parts[i].strip()
            + "': expected id=conv<k>x<k>(<filters>)<input, id=pool<input, id=add<a,b or id=concat<a,b");
      }
      List<String> inputs = java.util.Arrays.stream(m.group(6).split(",")).map(String::strip).toList();
      if (m.group(5) == null) {
        if (!m.group(2).equals(m.group(3))) {
          throw new BadInputException("layer graph, layer '" + m.group(1) + "': only square kernels, got "
              + m.group(2) + "x" + m.group(3));
        }
        layers.add(new Layer(m.group(1), Kind.CONV, inputs, parseInt(m.group(4), m.group(1)), parseInt(m.group(2), m.group(1))));
      } else {
        layers.add(new Layer(m.group(1), Kind.valueOf(m.group(5).toUpperCase(Locale.ROOT)), inputs, 0, 0));
      }
    }
    return new LayerGraph(layers);
  }

  private static int parseInt(String digits, String layer) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new BadInputException("layer graph, layer '" + layer + "': " + digits + " is too large");
    }
  }

  /** {@code jnas show} prints this, and {@link #parse} reads it: layers separated by "; ". */
  @Override
  public String toString() {
    return layers.stream().map(Layer::toString).collect(Collectors.joining("; "));
  }
}
