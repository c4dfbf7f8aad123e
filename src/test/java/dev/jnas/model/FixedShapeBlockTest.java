package dev.jnas.model;

import static dev.jnas.testing.Layouts.contiguous;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.jnas.space.NasBench201Space;
import org.junit.jupiter.api.Test;

class FixedShapeBlockTest {

  @Test
  void zerosOfAnActivationAreChannelsLastOnTheCpuAsTheActivationsAre() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      // an activation as the network sees it on the CPU: NCHW shape, NHWC memory (BatchLoader)
      NDArray x = m.randomNormal(new Shape(2, 5, 3, 4)).transpose(0, 3, 1, 2);
      assertThat(contiguous(x)).isFalse();
      assertThat(contiguous(x.transpose(0, 2, 3, 1))).isTrue();

      NDArray z = FixedShapeBlock.zerosLike(x);
      assertThat(z.getShape()).isEqualTo(x.getShape());
      assertThat(z.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(z.toFloatArray()).containsOnly(0f).hasSize(2 * 4 * 5 * 3);
      assertThat(contiguous(z)).isFalse();
      assertThat(contiguous(z.transpose(0, 2, 3, 1))).isTrue();
      // what the cell used before: DJL's zerosLike is NCHW whatever the input's layout
      assertThat(contiguous(x.zerosLike())).isTrue();

      // other ranks keep DJL's zeros
      NDArray v = m.randomNormal(new Shape(3, 7));
      assertThat(FixedShapeBlock.zerosLike(v).getShape()).isEqualTo(v.getShape());
      assertThat(FixedShapeBlock.zerosLike(v).toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void aNasBench201NodeOfZerosFeedsItsConvolutionChannelsLast() throws Exception {
    // node 1 is zeros (its only edge is none), node 2 its 3x3 convolution (ReLU, conv, batch
    // norm; the cell computes only the batch norm of the zeros), the output node 2 skipped: beta
    Shape in = new Shape(4, 6, 6);
    NasBench201Space space = new NasBench201Space(1, 4);
    try (NDManager m = NDManager.newBaseManager()) {
      NasBench201Cell cell =
          new NasBench201Cell(
              NasBench201Builder.opNames(space.decode("|none~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|skip_connect~2|")), in);
      cell.initialize(m, DataType.FLOAT32, new Shape(2, 4, 6, 6));
      cell.getParameters().forEach(p -> {
        if (p.getKey().endsWith("beta")) {
          p.getValue().getArray().set(new float[] {0.5f, -1f, 2f, 0f});
        }
      });
      NDArray x = m.randomNormal(new Shape(2, 6, 6, 4)).transpose(0, 3, 1, 2);
      NDArray y = cell.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
      float[] nhwc = y.transpose(0, 2, 3, 1).toFloatArray();
      for (int i = 0; i < nhwc.length; i++) {
        assertThat(nhwc[i]).isEqualTo(new float[] {0.5f, -1f, 2f, 0f}[i % 4]);
      }
      // the edge ran on channels-last zeros, so its output is channels-last as well (from NCHW
      // zeros it came out NCHW, and a convolution computed in full had oneDNN reorder its input
      // and output on every call)
      assertThat(contiguous(y)).isFalse();
    }
  }

  @Test
  void isInitializedAnswersAsDjlsDefinitionDoesForTheNetworkAndEachOfItsBlocks() throws Exception {
    // DJL's: input shapes set and every parameter of the subtree holding an array
    java.util.function.Predicate<ai.djl.nn.Block> djl =
        b -> b.getParameters().values().stream().allMatch(ai.djl.nn.Parameter::isInitialized);
    NasBench201Space space = new NasBench201Space(1, 4);
    ai.djl.nn.Block net =
        ModelBuilders.forSpace(space)
            .build(space.decode("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"), new Shape(1, 8, 8), 10);
    assertThat(net).isInstanceOf(Chain.class);
    java.util.List<ai.djl.nn.Block> blocks = new java.util.ArrayList<>();
    collect(net, blocks);
    assertThat(blocks).hasAtLeastOneElementOfType(FixedShapeBlock.class).hasAtLeastOneElementOfType(Chain.class);
    assertThat(net.isInitialized()).isFalse();
    try (NDManager m = NDManager.newBaseManager()) {
      // a training pass initializes a network that is not (DJL's forward asks isInitialized)
      net.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 1, 8, 8))), true);
      for (ai.djl.nn.Block b : blocks) {
        assertThat(b.isInitialized()).as(b.getClass().getSimpleName()).isTrue().isEqualTo(djl.test(b));
      }
      // a parameter without its array (closed, as a model's close does) makes every block above it uninitialized
      ai.djl.nn.Parameter last = null;
      for (var p : net.getParameters().values()) {
        last = p;
      }
      last.close();
      for (ai.djl.nn.Block b : blocks) {
        if (b instanceof FixedShapeBlock || b instanceof Chain) {
          assertThat(b.isInitialized()).as(b.getClass().getSimpleName()).isEqualTo(djl.test(b));
        }
      }
      assertThat(net.isInitialized()).isFalse();
    }
  }

  private static void collect(ai.djl.nn.Block b, java.util.List<ai.djl.nn.Block> out) {
    out.add(b);
    b.getChildren().values().forEach(c -> collect(c, out));
  }
}
