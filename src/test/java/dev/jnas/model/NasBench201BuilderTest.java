package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.jnas.testing.Closeness.assertAllClose;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Rng;
import org.junit.jupiter.api.Test;

class NasBench201BuilderTest {
  private final NasBench201Space space = new NasBench201Space(1, 4);
  private final NasBench201Builder builder = new NasBench201Builder(space);

  @Test
  void sampledCellsTrainOnGreyAndColourImages() {
    Rng rng = Rng.of(11);
    for (int i = 0; i < 3; i++) {
      Architecture a = space.sample(rng);
      NetworkChecks.forwardAndStep(builder, a, i % 2 == 0 ? NetworkChecks.MNIST : NetworkChecks.CIFAR, 10);
    }
  }

  @Test
  void channelsLastAndNchwInputsGiveTheSameResults() {
    Architecture a = space.decode("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|");
    NetworkChecks.sameInBothLayouts(builder, a, NetworkChecks.CIFAR, 10);
    NetworkChecks.sameInBothLayouts(builder, a, NetworkChecks.MNIST, 10);
  }

  @Test
  void cellOfOnlyNoneStillGivesLogits() {
    Architecture none = space.decode("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
    NetworkChecks.forwardAndStep(builder, none, NetworkChecks.MNIST, 3);
  }

  @Test
  void nodesWithOnlyNoneInputsFeedZerosOnward() {
    // Node 1 is all-none; node 3 reads it through a conv and also skips from the input.
    NetworkChecks.forwardAndStep(
        builder, space.decode("|none~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"),
        NetworkChecks.CIFAR, 10);
  }

  /**
   * Pooling or skipping a node of zeros adds nothing, so the cell leaves those edges out; a
   * convolution edge reading such a node is still computed (its batch norm adds beta). Training
   * mode, a random input: the first cell's output is its input exactly, the second's its input
   * plus beta.
   */
  @Test
  void edgesFromAZeroNodeAreLeftOutOnlyWhereTheyAddNothing() {
    Shape in = new Shape(4, 6, 6);
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray x = m.randomNormal(new Shape(2, 4, 6, 6));
      NasBench201Cell pooled = cell(m, in, "|none~0|+|none~0|none~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|");
      ai.djl.ndarray.NDArray y = pooled.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), true)
          .singletonOrThrow();
      assertThat(y.toFloatArray()).containsExactly(x.toFloatArray());

      NasBench201Cell conv = cell(m, in, "|none~0|+|none~0|none~1|+|skip_connect~0|nor_conv_1x1~1|none~2|");
      conv.getParameters().forEach(p -> {
        if (p.getKey().endsWith("beta")) {
          p.getValue().getArray().set(new float[] {0.5f, 0.5f, 0.5f, 0.5f});
        }
      });
      ai.djl.ndarray.NDArray z = conv.forward(new ai.djl.training.ParameterStore(m, false), new ai.djl.ndarray.NDList(x), true)
          .singletonOrThrow();
      for (float d : z.sub(x).toFloatArray()) {
        assertThat(d).isCloseTo(0.5f, org.assertj.core.api.Assertions.within(1e-6f));
      }
    }
  }

  @Test
  void aConvolutionFromANodeOfZerosIsItsBatchNormWithTheFullEdgesOutputGradientsAndStatistics() {
    Shape in = new Shape(4, 6, 6);
    try (NDManager m = NDManager.newBaseManager()) {
      // node 1 is zeros, node 2 its 3x3 convolution (ReLU, convolution, batch norm); output: node 0 + node 2
      NasBench201Cell c = cell(m, in, "|none~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|");
      Block edge = c.getChildren().stream().filter(b -> b.getKey().endsWith("edge_2_1")).findFirst().orElseThrow().getValue();
      Map<String, float[]> start = Map.of(
          "gamma", new float[] {1.5f, 2f, -1f, 0.3f}, "beta", new float[] {0.5f, -1f, 2f, 0f},
          "runningMean", new float[] {0.1f, -0.2f, 0.3f, 0f}, "runningVar", new float[] {2f, 0.5f, 1f, 4f});
      NDArray x = m.randomNormal(new Shape(2, 6, 6, 4)).transpose(0, 3, 1, 2);
      NDArray upstream = m.randomNormal(new Shape(2, 4, 6, 6));
      List<float[]> left = new ArrayList<>();
      List<float[]> full = new ArrayList<>();
      for (int way = 0; way < 2; way++) {
        List<float[]> out = way == 0 ? left : full;
        for (Pair<String, Parameter> p : c.getParameters()) {
          String name = p.getKey().substring(p.getKey().lastIndexOf('_') + 1);
          if (start.containsKey(name)) {
            p.getValue().getArray().set(start.get(name));
          }
        }
        try (NDManager s = m.newSubManager();
            GradientCollector g = Engine.getInstance().newGradientCollector()) {
          ParameterStore store = new ParameterStore(s, false);
          NDArray y = way == 0
              ? c.forward(store, new NDList(x), true).singletonOrThrow()
              : x.add(edge.forward(store, new NDList(FixedShapeBlock.zerosLike(x)), true).singletonOrThrow());
          out.add(y.toFloatArray());
          g.backward(y.mul(upstream).sum());
        }
        takeGradients(c, out, true);
        try (NDManager s = m.newSubManager()) { // inference: the running statistics' constant
          ParameterStore store = new ParameterStore(s, false);
          out.add((way == 0
              ? c.forward(store, new NDList(x), false).singletonOrThrow()
              : x.add(edge.forward(store, new NDList(FixedShapeBlock.zerosLike(x)), false).singletonOrThrow()))
              .toFloatArray());
        }
      }
      assertThat(left).hasSize(c.getParameters().size() + 2);
      assertAllClose(left, full, 1e-6f);
      // not trivially equal: the output is beta per channel added to x, beta's gradient is not zero
      assertThat(left.get(0)[0]).isNotEqualTo(x.toFloatArray()[0]);
    }
  }

  @Test
  void convolutionEdgesLeavingOneNodeShareItsReluWithEachEdgesOutputAndGradients() {
    Shape in = new Shape(4, 6, 6);
    try (NDManager m = NDManager.newBaseManager()) {
      // node 0 feeds three convolution edges, node 1 two, node 2 one
      String arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_1x1~2|";
      NasBench201Cell c = cell(m, in, arch);
      Map<String, Block> edge = new HashMap<>();
      c.getChildren().forEach(b -> edge.put(b.getKey().substring(b.getKey().indexOf("edge_")), b.getValue()));
      NDArray x0 = m.randomNormal(new Shape(2, 6, 6, 4)).transpose(0, 3, 1, 2);
      NDArray upstream = m.randomNormal(new Shape(2, 4, 6, 6));
      List<float[]> shared = new ArrayList<>();
      List<float[]> apart = new ArrayList<>();
      for (int way = 0; way < 2; way++) {
        List<float[]> out = way == 0 ? shared : apart;
        try (NDManager s = m.newSubManager();
            GradientCollector g = Engine.getInstance().newGradientCollector()) {
          ParameterStore store = new ParameterStore(s, false);
          NDArray x = x0.duplicate();
          x.setRequiresGradient(true);
          NDArray y;
          if (way == 0) {
            y = c.forward(store, new NDList(x), true).singletonOrThrow();
          } else {
            // every edge whole (its own ReLU, convolution, batch norm), as NAS-Bench-201 writes it
            BiFunction<String, NDArray, NDArray> run =
                (name, v) -> edge.get(name).forward(store, new NDList(v), true).singletonOrThrow();
            NDArray n1 = run.apply("edge_1_0", x);
            NDArray n2 = run.apply("edge_2_0", x).add(run.apply("edge_2_1", n1));
            y = run.apply("edge_3_0", x).add(run.apply("edge_3_1", n1)).add(run.apply("edge_3_2", n2));
          }
          out.add(y.toFloatArray());
          g.backward(y.mul(upstream).sum());
          out.add(x.getGradient().toFloatArray());
        }
        takeGradients(c, out, false);
      }
      assertThat(shared).hasSizeGreaterThan(2 + 6);
      assertAllClose(shared, apart, 1e-5f);
      // not trivially equal: the input's gradient (through node 0's three edges) is not zero
      assertThat(shared.get(1)).isNotEqualTo(new float[shared.get(1).length]);
    }
  }

  /**
   * Appends each trainable parameter's gradient to {@code out} and zeroes it for the next pass;
   * with {@code statistics} also the other parameters' values (the running statistics after it).
   */
  private static void takeGradients(Block c, List<float[]> out, boolean statistics) {
    for (Pair<String, Parameter> p : c.getParameters()) {
      NDArray a = p.getValue().getArray();
      if (p.getValue().requiresGradient()) {
        NDArray grad = a.getGradient();
        out.add(grad.toFloatArray());
        grad.subi(grad);
      } else if (statistics) {
        out.add(a.toFloatArray());
      }
    }
  }

  private NasBench201Cell cell(ai.djl.ndarray.NDManager m, Shape in, String arch) {
    NasBench201Cell c = new NasBench201Cell(NasBench201Builder.opNames(space.decode(arch)), in);
    c.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 4, 6, 6));
    return c;
  }

  @Test
  void flopsCountConvolutionsAnalytically() {
    Shape in = new Shape(3, 8, 8);
    Architecture skip = space.decode("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|");
    // stem 3*3*3*4*8*8; reductions: conv_a 9*C*2C*(H/2)^2 + conv_b 9*2C*2C*(H/2)^2 + 1x1 C*2C*(H/2)^2; linear 16*10.
    long stem = 9L * 3 * 4 * 64;
    long red1 = 9L * 4 * 8 * 16 + 9L * 8 * 8 * 16 + 4L * 8 * 16;
    long red2 = 9L * 8 * 16 * 4 + 9L * 16 * 16 * 4 + 8L * 16 * 4;
    assertThat(builder.flops(skip, in, 10)).isEqualTo(stem + red1 + red2 + 16 * 10);
    Architecture conv = space.decode("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|");
    assertThat(builder.flops(conv, in, 10) - builder.flops(skip, in, 10))
        .isEqualTo(9L * 4 * 4 * 64 + 9L * 8 * 8 * 16 + 9L * 16 * 16 * 4);
    assertThat(new NasBench201Builder(new NasBench201Space(2, 8)).flops(conv, in, 10))
        .isGreaterThan(builder.flops(conv, in, 10));
  }

  @Test
  void rejectsArchitecturesOfOtherSpaces() {
    assertThatThrownBy(() -> builder.build(new Architecture("cell", new int[6]), NetworkChecks.MNIST, 10))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cell");
  }
}
