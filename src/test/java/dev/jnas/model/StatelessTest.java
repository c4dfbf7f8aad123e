package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.jnas.testing.Layouts;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The named blocks that replaced DJL's LambdaBlocks compute the same numbers and save the same
 * bytes, so models trained and saved before still load and trials give the same results.
 */
class StatelessTest {
  private static final Shape BATCH = new Shape(2, 3, 7, 7);

  private static byte[] saved(Block b, NDManager m) throws Exception {
    b.initialize(m, DataType.FLOAT32, BATCH);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    b.saveParameters(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  private static float[] forward(Block b, NDManager m, NDArray x) {
    return b.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
  }

  @Test
  void sameNumbersAndSameSavedBytesAsTheLambdaBlocksTheyReplace() throws Exception {
    List<Block[]> pairs =
        List.of(
            new Block[] {new Stateless.Act("relu"), Activation.reluBlock()},
            new Block[] {new Stateless.Act("leaky_relu", 0.01f), Activation.leakyReluBlock(0.01f)},
            new Block[] {new Stateless.Act("gelu"), Activation.geluBlock()},
            new Block[] {new Stateless.Act("swish"), Activation.swishBlock(1f)},
            new Block[] {new Stateless.Identity(), Blocks.identityBlock()},
            new Block[] {new Stateless.Flatten(), Blocks.batchFlattenBlock()},
            // averages with padding are not DJL's (it counts the padding whatever it is told; see
            // averagePoolingIsTheWindowMean...); without padding in ceil mode, DJL's pooling runs
            new Block[] {Stateless.Pool2d.avg(2, 2, 0, true, false),
                Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true, false)},
            new Block[] {Stateless.Pool2d.max(3, 2, 1, false),
                Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false)},
            new Block[] {Stateless.GlobalPool.max(), Pool.globalMaxPool2dBlock()});
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(NetworkChecks.randomFloats(BATCH.size(), 11), BATCH).mul(3);
      for (Block[] p : pairs) {
        // inside a sequential block, as the builders use them: its shape inference runs too
        Block ours = new SequentialBlock().add(p[0]);
        Block theirs = new SequentialBlock().add(p[1]);
        assertThat(saved(ours, m)).as(p[0].getClass().getSimpleName()).isEqualTo(saved(theirs, m));
        assertThat(forward(ours, m, x)).as(p[0].getClass().getSimpleName()).containsExactly(forward(theirs, m, x));
        assertThat(ours.getOutputShapes(new Shape[] {BATCH})).isEqualTo(theirs.getOutputShapes(new Shape[] {BATCH}));
      }
    }
  }

  /**
   * PyTorch's average pooling (count_include_pad either way, ceil mode) computed by loops: each
   * output is its window's sum over the input inside the map, divided by the window's size cut at
   * the padding's outer edge (with the padding) or by the inputs it covers (without); the
   * gradient hands each input its windows' upstream values over their divisors.
   */
  private static double[][] reference(float[] x, float[] g, Shape in, Shape out, int k, int s, int p, boolean withPadding) {
    int n = (int) in.get(0), c = (int) in.get(1), h = (int) in.get(2), w = (int) in.get(3);
    int oh = (int) out.get(2), ow = (int) out.get(3);
    double[] y = new double[n * c * oh * ow];
    double[] dx = new double[x.length];
    for (int b = 0; b < n * c; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          int hs = i * s - p, ws = j * s - p, he = Math.min(hs + k, h + p), we = Math.min(ws + k, w + p);
          int h0 = Math.max(hs, 0), w0 = Math.max(ws, 0), h1 = Math.min(he, h), w1 = Math.min(we, w);
          double divisor = withPadding ? (he - hs) * (we - ws) : (h1 - h0) * (w1 - w0);
          int o = (b * oh + i) * ow + j;
          for (int u = h0; u < h1; u++) {
            for (int v = w0; v < w1; v++) {
              y[o] += x[(b * h + u) * w + v] / divisor;
              dx[(b * h + u) * w + v] += g[o] / divisor;
            }
          }
        }
      }
    }
    return new double[][] {y, dx};
  }

  /** {@code x} of NCHW shape {@code in} in NHWC order. */
  private static float[] nhwc(float[] x, Shape in) {
    int n = (int) in.get(0), c = (int) in.get(1), h = (int) in.get(2), w = (int) in.get(3);
    float[] out = new float[x.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < h * w; i++) {
          out[(b * h * w + i) * c + ch] = x[(b * c + ch) * h * w + i];
        }
      }
    }
    return out;
  }

  @Test
  void averagePoolingIsTheWindowMeanWithOrWithoutThePaddingWithItsGradientInTheInputsLayout() throws Exception {
    // kernel, stride, padding, ceil mode, count the padding
    int[][] cases = {{3, 1, 1, 0, 0}, {3, 1, 1, 0, 1}, {3, 2, 1, 0, 0}, {3, 2, 1, 0, 1}, {2, 2, 0, 1, 0}, {2, 2, 0, 0, 1}, {3, 2, 1, 1, 0}};
    try (NDManager m = NDManager.newBaseManager()) {
      for (long size : new long[] {7, 8}) {
        Shape in = new Shape(2, 5, size, size);
        float[] xs = NetworkChecks.randomFloats(in.size(), 5);
        for (int[] cs : cases) {
          Stateless.Pool2d pool = Stateless.Pool2d.avg(cs[0], cs[1], cs[2], cs[3] == 1, cs[4] == 1);
          Shape out = pool.outputShape(in);
          float[] gs = NetworkChecks.randomFloats(out.size(), 6);
          double[][] want = reference(xs, gs, in, out, cs[0], cs[1], cs[2], cs[4] == 1);
          for (boolean channelsLast : new boolean[] {true, false}) {
            String what = String.format("k%d s%d p%d ceil %d padding counted %d, %dx%d, %s", cs[0], cs[1], cs[2], cs[3], cs[4],
                size, size, channelsLast ? "channels-last" : "NCHW");
            try (NDManager s = m.newSubManager();
                ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
              // channels-last: NCHW shape over NHWC memory, as the CPU's activations are
              NDArray x = channelsLast ? s.create(nhwc(xs, in), new Shape(2, size, size, 5)).transpose(0, 3, 1, 2) : s.create(xs, in);
              assertThat(Layouts.contiguous(channelsLast ? x.transpose(0, 2, 3, 1) : x)).isTrue();
              x.setRequiresGradient(true);
              NDArray y = pool.average(x);
              assertThat(y.getShape()).as(what).isEqualTo(out);
              assertThat(Layouts.contiguous(channelsLast ? y.transpose(0, 2, 3, 1) : y)).as(what + ": layout").isTrue();
              // memory freed after the forward pass gets reused before the backward pass, as in a
              // training step: a factor autograd kept must be memory libtorch owns
              System.gc();
              for (int junk = 0; junk < 50; junk++) {
                s.create(new float[(int) out.size() / 5], new Shape(out.size() / 5)).close();
              }
              collector.backward(y.mul(s.create(gs, out)).sum());
              float[] got = y.toFloatArray();
              float[] grad = x.getGradient().toFloatArray();
              for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).as("%s: output %d", what, i).isCloseTo(want[0][i], within(1e-5));
              }
              for (int i = 0; i < grad.length; i++) {
                assertThat((double) grad[i]).as("%s: gradient %d", what, i).isCloseTo(want[1][i], within(1e-5));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void averagePoolingKeepsItsDivisorMapWithTheParametersAndMakesItAgainOnceThoseAreFreed() {
    Stateless.Pool2d pool = Stateless.Pool2d.avg(3, 1, 1, false, false);
    Shape in = new Shape(2, 4, 6, 6);
    float[] xs = NetworkChecks.randomFloats(in.size(), 8);
    float[] gs = NetworkChecks.randomFloats(in.size(), 9);
    double[][] want = reference(xs, gs, in, in, 3, 1, 1, false);
    try (NDManager m = NDManager.newBaseManager()) {
      for (int model = 0; model < 2; model++) {
        // the parameters' manager outlives the steps, each of which has its own (here not one of
        // its sub-managers, whose arrays it would list too)
        try (NDManager parameters = m.newSubManager()) {
          ParameterStore store = new ParameterStore(parameters, false);
          for (int step = 0; step < 3; step++) {
            String what = "model " + model + ", step " + step;
            try (NDManager s = m.newSubManager();
                ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
              NDArray x = s.create(nhwc(xs, in), new Shape(2, 6, 6, 4)).transpose(0, 3, 1, 2);
              x.setRequiresGradient(true);
              NDArray y = pool.forward(store, new NDList(x), true).singletonOrThrow();
              // one map for all steps of a model: kept by the parameters' manager, not made per pass
              assertThat(parameters.getManagedArrays()).as(what).hasSize(1);
              // freed memory reused between the passes, as in a training step
              System.gc();
              for (int junk = 0; junk < 50; junk++) {
                s.create(new float[(int) in.size()], in).close();
              }
              collector.backward(y.mul(s.create(gs, in)).sum());
              float[] got = y.toFloatArray();
              float[] grad = x.getGradient().toFloatArray();
              for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).as("%s: output %d", what, i).isCloseTo(want[0][i], within(1e-5));
                assertThat((double) grad[i]).as("%s: gradient %d", what, i).isCloseTo(want[1][i], within(1e-5));
              }
            }
          }
        }
      }
      // a block fed two sizes in turn keeps one map at a time, each right for its size
      try (NDManager parameters = m.newSubManager(); NDManager s = m.newSubManager()) {
        ParameterStore store = new ParameterStore(parameters, false);
        Shape small = new Shape(2, 4, 5, 5);
        float[] ys = NetworkChecks.randomFloats(small.size(), 10);
        double[][] wantSmall = reference(ys, ys, small, small, 3, 1, 1, false);
        for (int pass = 0; pass < 4; pass++) {
          boolean big = pass % 2 == 0;
          NDArray x = big ? s.create(xs, in) : s.create(ys, small);
          float[] got = pool.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
          double[] expected = big ? want[0] : wantSmall[0];
          for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("pass %d, output %d", pass, i).isCloseTo(expected[i], within(1e-5));
          }
          assertThat(parameters.getManagedArrays()).as("pass %d", pass).hasSize(1);
        }
      }
      // outside a network's pass (no parameters' manager) the map is made for the call
      try (NDManager s = m.newSubManager()) {
        NDArray x = s.create(xs, in);
        float[] got = pool.average(x).toFloatArray();
        for (int i = 0; i < got.length; i++) {
          assertThat((double) got[i]).as("output %d", i).isCloseTo(want[0][i], within(1e-5));
        }
      }
    }
  }

  /** The gradient of {@code act} at {@code x}, with freed memory reused between the passes when {@code reuse}. */
  private static float[] gradient(Stateless.Act act, NDManager m, float[] x, boolean reuse) {
    try (NDManager s = m.newSubManager();
        ai.djl.training.GradientCollector g = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      NDArray in = s.create(x);
      in.setRequiresGradient(true);
      NDArray y = act.apply(in);
      if (reuse) {
        System.gc();
        for (int junk = 0; junk < 50; junk++) {
          s.create(new float[] {7f}).close();
        }
      }
      g.backward(y.sum());
      return in.getGradient().toFloatArray();
    }
  }

  @Test
  void everyActivationsGradientSurvivesMemoryReusedBetweenTheForwardAndBackwardPasses() {
    // an operator autograd keeps a scalar for must get one libtorch owns: DJL's mul(Number) and
    // friends wrap a Java buffer that is freed right after the op (swish and mish used to)
    float[] x = {-3f, -0.5f, 0f, 0.7f, 2.5f};
    try (NDManager m = NDManager.newBaseManager()) {
      for (String name : List.of("relu", "gelu", "tanh", "sigmoid", "swish", "mish", "leaky_relu", "elu", "selu", "softplus")) {
        Stateless.Act act = new Stateless.Act(name);
        float[] clean = gradient(act, m, x, false);
        for (int round = 0; round < 3; round++) {
          assertThat(gradient(act, m, x, true)).as(name).containsExactly(clean);
        }
      }
    }
  }

  @Test
  void mishIsDjlsMishInFewerOperatorsWithGradientsWhereDjlsOverflows() throws Exception {
    Block ours = new SequentialBlock().add(new Stateless.Act("mish"));
    Block theirs = new SequentialBlock().add(Activation.mishBlock());
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(NetworkChecks.randomFloats(BATCH.size(), 11), BATCH).mul(12);
      assertThat(saved(ours, m)).isEqualTo(saved(theirs, m));
      float[] a = forward(ours, m, x);
      float[] b = forward(theirs, m, x);
      for (int i = 0; i < a.length; i++) {
        // log base 2, as DJL's (the paper's natural log would differ by far more than rounding)
        assertThat(a[i]).as("element %d", i).isCloseTo(b[i], within(1e-5f + 1e-5f * Math.abs(b[i])));
      }
      assertThat(ours.getOutputShapes(new Shape[] {BATCH})).isEqualTo(theirs.getOutputShapes(new Shape[] {BATCH}));
      // the derivative at x = 100, where DJL's e^x overflows to NaN: 1 (mish(x) = x there)
      try (ai.djl.training.GradientCollector g = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray big = m.create(new float[] {100f, -3f, 0.5f});
        big.setRequiresGradient(true);
        NDArray y = Stateless.Act.mishLog2(big);
        // memory freed after the forward pass gets reused before the backward pass
        System.gc();
        for (int junk = 0; junk < 50; junk++) {
          m.create(new float[] {7f}).close();
        }
        g.backward(y.sum());
        float[] d = big.getGradient().toFloatArray();
        assertThat(d[0]).isCloseTo(1f, within(1e-6f));
        // elsewhere the analytic derivative of x * tanh(s), s = log2(1 + e^x)
        for (int i = 1; i < 3; i++) {
          double v = new double[] {100, -3, 0.5}[i];
          double s = Math.log1p(Math.exp(v)) / Math.log(2);
          double ds = Math.exp(v) / (1 + Math.exp(v)) / Math.log(2);
          double t = Math.tanh(s);
          assertThat((double) d[i]).isCloseTo(t + v * (1 - t * t) * ds, within(1e-5));
        }
      }
    }
  }
}
