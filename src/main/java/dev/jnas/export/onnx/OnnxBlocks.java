package dev.jnas.export.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.Pair;
import dev.jnas.export.onnx.OnnxGraph.Attr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a DJL block tree into an {@link OnnxGraph}, in inference mode: blocks that implement
 * {@link OnnxExportable} write themselves; {@link SequentialBlock}, {@link Conv2d}, {@link Linear}
 * and {@link Dropout} (the identity in inference) are handled here. Anything else, {@link
 * LambdaBlock}s above all (their function cannot be read), is refused with the block's path.
 *
 * <p>Values and initializers are named after the block path ({@code stem/01Conv2d/weight}), so
 * the graph reads like the network.
 */
public final class OnnxBlocks {
  private record Frame(Block block, String path) {}

  private final OnnxGraph graph;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private final Map<Parameter, String> params = new IdentityHashMap<>();

  public OnnxBlocks(OnnxGraph graph) {
    this.graph = graph;
  }

  /** The current block's path, ending in {@code /} (empty at the root). */
  public String path() {
    return stack.isEmpty() ? "" : stack.peek().path();
  }

  /** Writes {@code block}, a child of the block being written (or the root), for one input. */
  public String emit(Block block, String input) {
    List<String> out = emit(block, List.of(input));
    if (out.size() != 1) {
      throw new IllegalStateException(path() + ": block outputs " + out.size() + " values, one expected");
    }
    return out.get(0);
  }

  /** Writes {@code block}, a child of the block being written (or the root); returns its outputs. */
  public List<String> emit(Block block, List<String> inputs) {
    stack.push(new Frame(block, stack.isEmpty() ? "" : path() + childName(block) + "/"));
    try {
      if (block instanceof OnnxExportable e) {
        return e.toOnnx(this, inputs);
      }
      if (block instanceof SequentialBlock) {
        List<String> xs = inputs;
        for (Pair<String, Block> c : block.getChildren()) {
          xs = emit(c.getValue(), xs);
        }
        return xs;
      }
      if (block instanceof Conv2d c) {
        return List.of(conv(c, single(inputs)));
      }
      if (block instanceof Linear) {
        List<String> in = new ArrayList<>(List.of(single(inputs), param(block.getParameters().get("weight"))));
        if (block.getParameters().contains("bias")) {
          in.add(param(block.getParameters().get("bias")));
        }
        return List.of(op("Gemm", in, Attr.i("transB", 1)));
      }
      if (block instanceof Dropout) {
        return inputs;
      }
      throw new UnsupportedOperationException(
          "cannot export " + path() + " (" + (block instanceof LambdaBlock ? "a LambdaBlock, whose function ONNX cannot see" : block.getClass().getName())
              + ")");
    } finally {
      stack.pop();
    }
  }

  private String childName(Block block) {
    if (stack.isEmpty()) {
      return "";
    }
    for (Pair<String, Block> c : stack.peek().block().getChildren()) {
      if (c.getValue() == block) {
        return c.getKey();
      }
    }
    return block.getClass().getSimpleName();
  }

  private String single(List<String> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalStateException(path() + ": " + inputs.size() + " inputs, one expected");
    }
    return inputs.get(0);
  }

  private String conv(Conv2d c, String x) {
    List<String> in = new ArrayList<>(List.of(x, param(c.getParameters().get("weight"))));
    if (c.isIncludeBias()) {
      in.add(param(c.getParameters().get("bias")));
    }
    Shape k = c.getKernelShape();
    Shape s = c.getStride();
    Shape p = c.getPadding();
    Shape d = c.getDilation();
    return op(
        "Conv", in,
        Attr.ints("kernel_shape", k.get(0), k.get(1)),
        Attr.ints("strides", s.get(0), s.get(1)),
        Attr.ints("pads", p.get(0), p.get(1), p.get(0), p.get(1)),
        Attr.ints("dilations", d.get(0), d.get(1)),
        Attr.i("group", c.getGroups()));
  }

  /** The initializer holding {@code p}'s current value (added once per parameter). */
  public String param(Parameter p) {
    String known = params.get(p);
    if (known != null) {
      return known;
    }
    NDArray a = p.getArray();
    float[] data = a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, true).toFloatArray();
    String name = graph.initializer(path() + p.getName(), data, a.getShape().getShape());
    params.put(p, name);
    return name;
  }

  /** A node of the current block with one output. */
  public String op(String type, List<String> inputs, Attr... attrs) {
    return graph.node(type, path() + type, inputs, attrs);
  }

  public String relu(String x) {
    return op("Relu", List.of(x));
  }

  public String add(String a, String b) {
    return op("Add", List.of(a, b));
  }

  /** Concatenation along {@code axis}; one input is returned as it is. */
  public String concat(List<String> xs, int axis) {
    return xs.size() == 1 ? xs.get(0) : op("Concat", xs, Attr.i("axis", axis));
  }

  /** Zero-pads an {@code (N, C, H, W)} value by {@code bottom} rows and {@code right} columns. */
  public String padBottomRight(String x, long bottom, long right) {
    if (bottom == 0 && right == 0) {
      return x;
    }
    return op("Pad", List.of(x, graph.int64s(path() + "pads", 0, 0, 0, 0, 0, 0, bottom, right)));
  }

  /** {@code x[starts:ends]} along {@code axes} (ends may be {@link Long#MAX_VALUE}). */
  public String slice(String x, long[] starts, long[] ends, long[] axes) {
    return op("Slice", List.of(x, graph.int64s(path() + "starts", starts), graph.int64s(path() + "ends", ends), graph.int64s(path() + "axes", axes)));
  }

  /** Zeros of {@code x}'s shape (and float type). */
  public String zerosLike(String x) {
    return op("ConstantOfShape", List.of(op("Shape", List.of(x))));
  }

  /** 2-D max pooling; padding is -infinity, as in PyTorch. */
  public String maxPool(String x, long kernel, long stride, long pad, boolean ceil) {
    return op(
        "MaxPool", List.of(x), Attr.ints("kernel_shape", kernel, kernel), Attr.ints("strides", stride, stride),
        Attr.ints("pads", pad, pad, pad, pad), Attr.i("ceil_mode", ceil ? 1 : 0));
  }

  /** 2-D average pooling, with the padding counted in the average or not. */
  public String avgPool(String x, long kernel, long stride, long pad, boolean ceil, boolean countIncludePad) {
    return op(
        "AveragePool", List.of(x), Attr.ints("kernel_shape", kernel, kernel), Attr.ints("strides", stride, stride),
        Attr.ints("pads", pad, pad, pad, pad), Attr.i("ceil_mode", ceil ? 1 : 0),
        Attr.i("count_include_pad", countIncludePad ? 1 : 0));
  }

  /** A float32 constant of {@code dims}. */
  public String constant(String base, float[] values, long... dims) {
    return graph.initializer(path() + base, values, dims);
  }
}
