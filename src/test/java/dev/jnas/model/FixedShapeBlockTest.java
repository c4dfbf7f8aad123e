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
}
