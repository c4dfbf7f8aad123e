package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Blocks;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import java.util.List;

/**
 * Parameter-free single-input blocks whose function is visible (activations, pooling, identity,
 * flatten), in place of DJL's {@code LambdaBlock}s so a network can be exported. Each computes
 * what the DJL lambda it replaces computed (but an average pooling that leaves its padding out,
 * which DJL's ignored: {@link Pool2d}), and saves the same bytes (version 2 and the input shapes,
 * as {@code LambdaBlock} does), so weights saved before still load.
 */
abstract class Stateless extends AbstractBlock implements OnnxExportable {
  private static final byte LAMBDA_VERSION = 2;

  Stateless() {
    super(LAMBDA_VERSION);
  }

  abstract NDArray apply(NDArray x);

  /**
   * {@link #apply(NDArray)} inside a network's forward pass, where {@code store} holds the
   * network's parameters (a block that keeps constants between passes attaches them to its
   * manager, which lives as long as the parameters do).
   */
  NDArray apply(NDArray x, ParameterStore store) {
    return apply(x);
  }

  /** The output shape for a batched input shape. */
  abstract Shape outputShape(Shape in);

  abstract String onnx(OnnxBlocks o, String x);

  @Override
  protected final NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow(), store));
  }

  @Override
  public final Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {outputShape(inputShapes[0])};
  }

  @Override
  public final List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    return List.of(onnx(o, inputs.get(0)));
  }

  /** The input unchanged. */
  static final class Identity extends Stateless {
    @Override
    NDArray apply(NDArray x) {
      return x;
    }

    @Override
    Shape outputShape(Shape in) {
      return in;
    }

    @Override
    String onnx(OnnxBlocks o, String x) {
      return x;
    }
  }

  /** {@code (N, ...)} to {@code (N, features)}. */
  static final class Flatten extends Stateless {
    @Override
    NDArray apply(NDArray x) {
      return Blocks.batchFlatten(x);
    }

    @Override
    Shape outputShape(Shape in) {
      return new Shape(in.get(0), in.size() / in.get(0));
    }

    @Override
    String onnx(OnnxBlocks o, String x) {
      return o.op("Flatten", List.of(x), dev.jnas.export.onnx.OnnxGraph.Attr.i("axis", 1));
    }
  }

  /** An element-wise activation by name (the {@code layers} template's and ResNet's names). */
  static final class Act extends Stateless {
    private static final float LOG2_E = (float) (1 / Math.log(2));
    private final String name;
    private final float slope;
    /** The DJL function the Activation.*Block lambdas call, chosen once (an unknown name fails here). */
    private final java.util.function.UnaryOperator<NDArray> function;

    /** @param slope LeakyReLU's negative slope (ignored by the others) */
    Act(String name, float slope) {
      this.name = name;
      this.slope = slope;
      this.function = switch (name) {
        case "relu" -> ai.djl.nn.Activation::relu;
        case "gelu" -> ai.djl.nn.Activation::gelu;
        case "tanh" -> ai.djl.nn.Activation::tanh;
        case "sigmoid" -> ai.djl.nn.Activation::sigmoid;
        // DJL's swish(x, 1) is sigmoid(x.mul(1f)).mul(x): the same numbers, but its scalar wraps a
        // Java buffer freed right after the op while autograd keeps it (see mishLog2)
        case "swish" -> x -> x.mul(ai.djl.nn.Activation.sigmoid(x));
        case "mish" -> Act::mishLog2;
        case "leaky_relu" -> x -> ai.djl.nn.Activation.leakyRelu(x, slope);
        case "elu" -> x -> ai.djl.nn.Activation.elu(x, 1f);
        case "selu" -> ai.djl.nn.Activation::selu;
        case "softplus" -> ai.djl.nn.Activation::softPlus;
        default -> throw new IllegalArgumentException("unknown activation " + name);
      };
    }

    Act(String name) {
      this(name, 0.01f);
    }

    /**
     * DJL's {@code Activation.mish}, x * tanh(log2(1 + e^x)) (log base 2: what jnas's networks
     * have always computed and its exports write), in four operators instead of DJL's five:
     * log2(1 + e^x) = softplus(x) / ln 2, with libtorch's fused softplus. 7-17 % faster steps on
     * Mish networks (BENCHMARKS.md), and no NaN gradient where e^x overflows (x > 88).
     */
    static NDArray mishLog2(NDArray x) {
      // in place on softplus's own output: its backward reads only its input. The factor is a
      // scalar libtorch owns: autograd keeps it for the backward pass, and DJL's muli(Number)
      // wraps a Java buffer it frees right after the op (a garbage collection in between made the
      // gradients garbage; StatelessTest)
      NDArray log2e = x.getManager().full(new Shape(), LOG2_E, x.getDataType(), x.getDevice());
      return x.mul(ai.djl.nn.Activation.tanh(ai.djl.nn.Activation.softPlus(x).muli(log2e)));
    }

    @Override
    NDArray apply(NDArray x) {
      return function.apply(x);
    }

    @Override
    Shape outputShape(Shape in) {
      return in;
    }

    @Override
    String onnx(OnnxBlocks o, String x) {
      List<String> in = List.of(x);
      return switch (name) {
        case "relu" -> o.relu(x);
        case "tanh" -> o.op("Tanh", in);
        case "sigmoid" -> o.op("Sigmoid", in);
        case "leaky_relu" -> o.op("LeakyRelu", in, dev.jnas.export.onnx.OnnxGraph.Attr.f("alpha", slope));
        case "elu" -> o.op("Elu", in, dev.jnas.export.onnx.OnnxGraph.Attr.f("alpha", 1f));
        case "selu" -> o.op("Selu", in); // ONNX's default alpha and gamma are PyTorch's constants
        case "softplus" -> o.op("Softplus", in);
        case "swish" -> o.op("Mul", List.of(x, o.op("Sigmoid", in)));
        case "mish" -> {
          // DJL's mish is x * tanh(log2(1 + e^x)): log base 2, not the paper's natural log (measured)
          String log = o.op("Log", List.of(o.op("Add", List.of(o.op("Exp", in), o.constant("one", new float[] {1f})))));
          String log2 = o.op("Div", List.of(log, o.constant("ln2", new float[] {(float) Math.log(2)})));
          yield o.op("Mul", List.of(o.op("Tanh", List.of(log2)), x));
        }
        case "gelu" -> {
          // PyTorch's exact GELU, x * (1 + erf(x / sqrt 2)) / 2 (opset 17 has no Gelu)
          String erf = o.op("Erf", List.of(o.op("Div", List.of(x, o.constant("sqrt2", new float[] {(float) Math.sqrt(2)})))));
          String onePlus = o.op("Add", List.of(erf, o.constant("one", new float[] {1f})));
          yield o.op("Mul", List.of(o.op("Mul", List.of(x, onePlus)), o.constant("half", new float[] {0.5f})));
        }
        default -> throw new IllegalStateException(name);
      };
    }
  }

  /**
   * 2-D max or average pooling with square windows.
   *
   * <p>DJL 0.35's PyTorch engine ignores {@code countIncludePad} and always counts the padding (a
   * 3x3 average with padding 1 of ones is 4/9 in a corner; measured, and its JNI source passes no
   * such option to libtorch), so an average that leaves the padding out, as NAS-Bench-201, DARTS,
   * ENAS and PNAS define theirs, is DJL's average times a map of the divisor DJL used over the
   * wanted one, 1 inside and 9/4 or 9/6 on a 3x3 window's border.
   */
  static final class Pool2d extends Stateless {
    private final boolean max;
    private final int kernel;
    private final int stride;
    private final int pad;
    private final boolean ceil;
    private final boolean countIncludePad;

    private Pool2d(boolean max, int kernel, int stride, int pad, boolean ceil, boolean countIncludePad) {
      this.max = max;
      this.kernel = kernel;
      this.stride = stride;
      this.pad = pad;
      this.ceil = ceil;
      this.countIncludePad = countIncludePad;
    }

    static Pool2d max(int kernel, int stride, int pad, boolean ceil) {
      return new Pool2d(true, kernel, stride, pad, ceil, false);
    }

    static Pool2d avg(int kernel, int stride, int pad, boolean ceil, boolean countIncludePad) {
      return new Pool2d(false, kernel, stride, pad, ceil, countIncludePad);
    }

    @Override
    NDArray apply(NDArray x) {
      return max ? Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(pad, pad), ceil) : average(x);
    }

    @Override
    NDArray apply(NDArray x, ParameterStore store) {
      return max ? apply(x) : average(x, store.getManager());
    }

    /** The average pooling of {@code x} {@code (N, C, H, W)} with this block's divisors. */
    NDArray average(NDArray x) {
      return average(x, null);
    }

    /**
     * The average with this block's divisors; the map of divisor ratios is kept between calls
     * when {@code owner} (the manager of the network's parameters) is given, else made per call.
     */
    private NDArray average(NDArray x, NDManager owner) {
      Shape k = new Shape(kernel, kernel);
      Shape s = new Shape(stride, stride);
      Shape p = new Shape(pad, pad);
      NDArray pooled = Pool.avgPool2d(x, k, s, p, ceil, countIncludePad);
      long h = x.getShape().get(2), w = x.getShape().get(3);
      float[] ratios = ratios(h, w);
      if (ratios == null) {
        return pooled;
      }
      // (1, 1, H, W) broadcast: the product keeps the pooled array's layout (channels-last on the CPU)
      return pooled.mul(divisorMap(x, h, w, ratios, owner));
    }

    /**
     * The ratios as an array libtorch owns, of {@code x}'s type on its device. Made from Java
     * memory that takes a direct buffer, a clone and a conversion (an eighth of a 3x3 pooling's
     * time at 64x16x28x28, more at smaller maps), so kept for the next pass: attached to {@code
     * owner}, which frees it with the parameters (made again once that has happened).
     */
    private NDArray divisorMap(NDArray x, long h, long w, float[] ratios, NDManager owner) {
      DivisorMap cached = lastMap;
      if (owner != null && cached != null && cached.h() == h && cached.w() == w && cached.owner() == owner
          && !cached.array().isReleased() && cached.array().getDevice().equals(x.getDevice())
          && cached.array().getDataType() == x.getDataType()) {
        return cached.array();
      }
      NDArray owned;
      try (NDArray wrapped = x.getManager().create(ratios, new Shape(1, 1, size(h), size(w)))) {
        // a copy libtorch owns (a clone; DJL's toType and toDevice return the same memory when
        // nothing changes): autograd keeps the factor for the backward pass, and DJL's array wraps
        // a Java buffer that is freed once it closes (see EnasRnnCell)
        owned = wrapped.duplicate();
      }
      owned = owned.toType(x.getDataType(), false).toDevice(x.getDevice(), false);
      if (owner != null) {
        owned.attach(owner);
        lastMap = new DivisorMap(h, w, owner, owned);
        if (cached != null && cached.owner() == owner) {
          // a block fed another size (not jnas's networks) keeps one map, not one per pass;
          // autograd holds its own reference to a map a pass still needs
          cached.array().close();
        }
      }
      return owned;
    }

    /** The last divisor map kept, for inputs of {@code h x w}, attached to {@code owner}. */
    private record DivisorMap(long h, long w, NDManager owner, NDArray array) {}

    private volatile DivisorMap lastMap;

    /**
     * Per output position, the divisor DJL's average used (libtorch's count with the padding: the
     * window cut only at the padding's outer edge) over the wanted one; null where all are 1
     * (padding counted, or none to leave out).
     */
    private float[] ratios(long h, long w) {
      Ratios cached = lastRatios;
      if (cached != null && cached.h() == h && cached.w() == w) {
        return cached.ratios();
      }
      long oh = size(h), ow = size(w);
      float[] ratios = new float[Math.toIntExact(oh * ow)];
      boolean uniform = true;
      for (long i = 0; i < oh; i++) {
        long hs = i * stride - pad, he = Math.min(hs + kernel, h + pad);
        for (long j = 0; j < ow; j++) {
          long ws = j * stride - pad, we = Math.min(ws + kernel, w + pad);
          long withPadding = (he - hs) * (we - ws);
          long inside = (Math.min(he, h) - Math.max(hs, 0)) * (Math.min(we, w) - Math.max(ws, 0));
          float r = countIncludePad ? 1f : (float) ((double) withPadding / inside);
          uniform &= r == 1f;
          ratios[Math.toIntExact(i * ow + j)] = r;
        }
      }
      Ratios made = new Ratios(h, w, uniform ? null : ratios);
      lastRatios = made;
      return made.ratios();
    }

    /** The last input size's ratios (a block sees one map size per network). */
    private record Ratios(long h, long w, float[] ratios) {}

    private volatile Ratios lastRatios;

    @Override
    Shape outputShape(Shape in) {
      return new Shape(in.get(0), in.get(1), size(in.get(2)), size(in.get(3)));
    }

    /** PyTorch's output size: in ceil mode a last window must start inside the input or left padding. */
    private long size(long in) {
      long span = in + 2L * pad - kernel;
      long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
      if (ceil && (out - 1) * stride >= in + pad) {
        out--;
      }
      return out;
    }

    @Override
    String onnx(OnnxBlocks o, String x) {
      return max ? o.maxPool(x, kernel, stride, pad, ceil) : o.avgPool(x, kernel, stride, pad, ceil, countIncludePad);
    }
  }

  /**
   * Global pooling of {@code (N, C, H, W)} to {@code (N, C)}. The average is an average pool whose
   * window is the whole map: DJL's global pool calls {@code adaptive_avg_pool2d}, which libtorch
   * turns into a mean whose gradient is a plain NCHW tensor; with channels-last activations that
   * gradient made every backward element-wise op behind it mix layouts (ReLU's backward 5x
   * slower). The pooling kernel's gradient takes its input's layout.
   */
  static final class GlobalPool extends Stateless {
    private final boolean max;
    private final Shape window; // the average's window, the map's (H, W); null for max

    private GlobalPool(boolean max, Shape window) {
      this.max = max;
      this.window = window;
    }

    /** Global average pooling of maps of per-example shape {@code in} {@code (C, H, W)}. */
    static GlobalPool avg(Shape in) {
      return new GlobalPool(false, new Shape(in.get(1), in.get(2)));
    }

    static GlobalPool max() {
      return new GlobalPool(true, null);
    }

    @Override
    NDArray apply(NDArray x) {
      if (max) {
        return Pool.globalMaxPool2d(x);
      }
      NDArray pooled = Pool.avgPool2d(x, window, window, new Shape(0, 0), false, true);
      return pooled.reshape(x.getShape().get(0), x.getShape().get(1));
    }

    @Override
    Shape outputShape(Shape in) {
      return new Shape(in.get(0), in.get(1));
    }

    @Override
    String onnx(OnnxBlocks o, String x) {
      String pooled = o.op(max ? "GlobalMaxPool" : "GlobalAveragePool", List.of(x));
      return o.op("Flatten", List.of(pooled), dev.jnas.export.onnx.OnnxGraph.Attr.i("axis", 1));
    }
  }
}
