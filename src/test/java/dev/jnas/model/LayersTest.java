package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LayersTest {
  private static final Shape BATCH = new Shape(5, 3, 4, 6);

  private static float[] forward(Block b, NDManager m, NDArray x, boolean training) {
    return b.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow().toFloatArray();
  }

  @Test
  void batchNorm2dMatchesDjlBatchNormInTrainingAndInference() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block ours = new BatchNorm2d();
      Block djl = BatchNorm.builder().build();
      ours.initialize(m, DataType.FLOAT32, BATCH);
      djl.initialize(m, DataType.FLOAT32, BATCH);
      // a shifted, scaled input so that batch statistics and running statistics differ
      NDArray x = m.create(NetworkChecks.randomFloats(BATCH.size(), 3), BATCH).mul(2.5f).add(1.5f);
      for (int step = 0; step < 3; step++) {
        assertThat(forward(ours, m, x, true)).containsExactly(forward(djl, m, x, true), Offset.offset(1e-5f));
      }
      // inference uses the running statistics both updated three times
      float[] a = forward(ours, m, x, false);
      assertThat(a).containsExactly(forward(djl, m, x, false), Offset.offset(1e-5f));
      assertThat(a).isNotEqualTo(forward(ours, m, x, true));
      assertThat(ours.getParameters().keys()).containsExactlyElementsOf(djl.getParameters().keys());
    }
  }

  @Test
  void globalAveragePoolIsTheMeanOfEachChannelInBothLayouts() {
    try (NDManager m = NDManager.newBaseManager()) {
      Built gap = Ops.globalAvgPool(new Shape(3, 4, 6));
      assertThat(gap.output()).isEqualTo(new Shape(3));
      gap.block().initialize(m, DataType.FLOAT32, BATCH);
      NDArray x = m.create(NetworkChecks.randomFloats(BATCH.size(), 5), BATCH);
      float[] mean = x.reshape(5, 3, 24).mean(new int[] {2}).toFloatArray();
      assertThat(forward(gap.block(), m, x, true)).containsExactly(mean, Offset.offset(1e-5f));
      NDArray channelsLast = x.transpose(0, 2, 3, 1).reshape(-1).reshape(5, 4, 6, 3).transpose(0, 3, 1, 2);
      assertThat(forward(gap.block(), m, channelsLast, false)).containsExactly(mean, Offset.offset(1e-5f));
    }
  }
}
