package dev.jnas.export.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction (nodes in topological order, initializers, inputs, outputs)
 * and its serialisation as a {@code ModelProto}. Field numbers are those of {@code onnx.proto}.
 * Names are unique: {@link #fresh} derives a new one from a base.
 */
public final class OnnxGraph {
  /** ONNX's {@code TensorProto.DataType} values used here. */
  public static final int FLOAT = 1;
  public static final int INT64 = 7;
  /** The operator set the emitted nodes follow, and the IR version that goes with it. */
  public static final int OPSET = 17;
  static final int IR_VERSION = 8;

  /** A node attribute: an int, a float or ints (what jnas's blocks need). */
  public record Attr(String name, int type, Object value) {
    private static final int FLOAT_T = 1;
    private static final int INT_T = 2;
    private static final int INTS_T = 7;

    public static Attr i(String name, long v) {
      return new Attr(name, INT_T, v);
    }

    public static Attr f(String name, float v) {
      return new Attr(name, FLOAT_T, v);
    }

    public static Attr ints(String name, long... v) {
      return new Attr(name, INTS_T, v.clone());
    }

    Proto proto() {
      Proto p = new Proto().string(1, name).varint(20, type);
      switch (type) {
        case FLOAT_T -> p.float32(2, (Float) value);
        case INT_T -> p.varint(3, (Long) value);
        case INTS_T -> {
          for (long v : (long[]) value) {
            p.varint(8, v);
          }
        }
        default -> throw new IllegalStateException("attribute type " + type);
      }
      return p;
    }
  }

  private record Node(String op, List<String> inputs, List<String> outputs, List<Attr> attrs, String name) {}

  private record Tensor(String name, int type, long[] dims, byte[] raw) {}

  /** A graph input or output: element type and dims, each a Long (fixed) or a String (symbolic). */
  private record Value(String name, int type, List<Object> dims) {}

  private final String name;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Tensor> initializers = new ArrayList<>();
  private final List<Value> inputs = new ArrayList<>();
  private final List<Value> outputs = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();

  public OnnxGraph(String name) {
    this.name = name;
  }

  /** {@code base} itself when still unused, else {@code base_2}, {@code base_3}, ... */
  public String fresh(String base) {
    String n = base;
    for (int k = 2; !names.add(n); k++) {
      n = base + "_" + k;
    }
    return n;
  }

  /** A float32 initializer; returns its (fresh) name. */
  public String initializer(String base, float[] data, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    String n = fresh(base);
    initializers.add(new Tensor(n, FLOAT, dims.clone(), b.array()));
    return n;
  }

  /** An int64 initializer (shapes, pads, axes); returns its (fresh) name. */
  public String int64s(String base, long... data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    String n = fresh(base);
    initializers.add(new Tensor(n, INT64, new long[] {data.length}, b.array()));
    return n;
  }

  /** Adds a node with one output, named from {@code base}; returns the output's name. */
  public String node(String op, String base, List<String> in, Attr... attrs) {
    return node(op, base, in, 1, attrs).get(0);
  }

  /** Adds a node with {@code count} outputs; returns their names. */
  public List<String> node(String op, String base, List<String> in, int count, Attr... attrs) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      out.add(fresh(base));
    }
    nodes.add(new Node(op, List.copyOf(in), out, List.of(attrs), fresh("node:" + out.get(0))));
    return out;
  }

  /** Declares a graph input; dims are Longs or Strings (a symbolic size such as the batch). */
  public void input(String name, int type, Object... dims) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("name " + name + " is taken");
    }
    inputs.add(new Value(name, type, List.of(dims)));
  }

  /** Declares an existing value as a graph output. */
  public void output(String name, int type, Object... dims) {
    outputs.add(new Value(name, type, List.of(dims)));
  }

  /** A {@code metadata_props} entry of the model. */
  public void metadata(String key, String value) {
    metadata.put(key, value);
  }

  /** The serialised {@code ModelProto}. */
  public byte[] toModel(String producer, String producerVersion, String docString) {
    Proto g = new Proto();
    for (Node n : nodes) {
      Proto p = new Proto();
      n.inputs().forEach(s -> p.string(1, s));
      n.outputs().forEach(s -> p.string(2, s));
      p.string(3, n.name()).string(4, n.op());
      n.attrs().forEach(a -> p.message(5, a.proto()));
      g.message(1, p);
    }
    g.string(2, name);
    for (Tensor t : initializers) {
      Proto p = new Proto();
      for (long d : t.dims()) {
        p.varint(1, d);
      }
      p.varint(2, t.type()).string(8, t.name()).bytes(9, t.raw());
      g.message(5, p);
    }
    inputs.forEach(v -> g.message(11, valueInfo(v)));
    outputs.forEach(v -> g.message(12, valueInfo(v)));

    Proto m = new Proto().varint(1, IR_VERSION).string(2, producer).string(3, producerVersion);
    if (docString != null) {
      m.string(6, docString);
    }
    m.message(7, g);
    m.message(8, new Proto().string(1, "").varint(2, OPSET));
    metadata.forEach((k, v) -> m.message(14, new Proto().string(1, k).string(2, v)));
    return m.toByteArray();
  }

  private static Proto valueInfo(Value v) {
    Proto shape = new Proto();
    for (Object d : v.dims()) {
      Proto dim = new Proto();
      if (d instanceof String s) {
        dim.string(2, s);
      } else {
        dim.varint(1, ((Number) d).longValue());
      }
      shape.message(1, dim);
    }
    Proto tensor = new Proto().varint(1, v.type()).message(2, shape);
    return new Proto().string(1, v.name()).message(2, new Proto().message(1, tensor));
  }
}
