package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.jnas.testing.Closeness.assertAllClose;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.jnas.testing.Layouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchNorm2dTest {

  /**
   * The row-operator normalisation against libtorch's batch_norm on the same inputs: training
   * output, the input's, scale's and shift's gradients, both running statistics after two
   * training passes, then the inference output from them. Shapes whose pixel count k must divide
   * (7x7x5 = 245 pixels, 20x4x5x3) included.
   */
  @ParameterizedTest
  @CsvSource({"4, 12, 6, 6", "2, 8, 32, 32", "5, 3, 7, 7", "3, 20, 5, 4", "2, 36, 4, 4", "2, 16, 3, 3"})
  void rowOperatorsGiveBatchNormsOutputGradientsAndRunningStatistics(int n, int c, int h, int w)
      throws ReflectiveOperationException {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(7);
      // channels-last memory, as the CPU's activations; a mean and scale far from 0 and 1
      NDArray x0 = m.randomNormal(new Shape(n, h, w, c)).mul(3).add(1.5).transpose(0, 3, 1, 2);
      NDArray upstream = m.randomNormal(new Shape(n, c, h, w));
      NDArray gamma0 = m.randomUniform(0.5f, 2f, new Shape(c));
      NDArray beta0 = m.randomNormal(new Shape(c));
      NDArray mean0 = m.randomNormal(new Shape(c));
      NDArray var0 = m.randomUniform(0.5f, 2f, new Shape(c));
      List<List<float[]>> ways = new ArrayList<>();
      for (int way = 0; way < 2; way++) {
        List<float[]> out = new ArrayList<>();
        NDArray gamma = gamma0.duplicate();
        NDArray beta = beta0.duplicate();
        NDArray mean = mean0.duplicate();
        NDArray var = var0.duplicate();
        gamma.setRequiresGradient(true);
        beta.setRequiresGradient(true);
        for (int pass = 0; pass < 2; pass++) {
          try (NDManager s = m.newSubManager()) {
            NDArray x = x0.duplicate();
            x.attach(s);
            x.setRequiresGradient(true);
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
              NDArray y = way == 0
                  ? JniUtils.batchNorm((PtNDArray) x, (PtNDArray) mean, (PtNDArray) var, (PtNDArray) gamma,
                      (PtNDArray) beta, true, 0.1, 1e-5)
                  : BatchNorm2d.channelsLastNorm(x, mean, var, gamma, beta, true);
              if (way == 1) {
                assertThat(Layouts.channelsLast(y)).as("channels-last output").isTrue();
              }
              scrubFreedDirectMemory();
              g.backward(y.mul(upstream).sum());
              out.add(y.toFloatArray());
            }
            out.add(x.getGradient().toFloatArray());
          }
        }
        out.add(gamma.getGradient().toFloatArray());
        out.add(beta.getGradient().toFloatArray());
        out.add(mean.toFloatArray());
        out.add(var.toFloatArray());
        try (NDManager s = m.newSubManager()) {
          NDArray x = x0.duplicate();
          x.attach(s);
          NDArray y = way == 0
              ? JniUtils.batchNorm((PtNDArray) x, (PtNDArray) mean, (PtNDArray) var, (PtNDArray) gamma,
                  (PtNDArray) beta, false, 0.1, 1e-5)
              : BatchNorm2d.channelsLastNorm(x, mean, var, gamma, beta, false);
          out.add(y.toFloatArray());
        }
        ways.add(out);
      }
      List<float[]> folded = ways.get(1);
      assertAllClose(folded, ways.get(0), 2e-5f);
      // not trivially equal: the running statistics moved, the input's gradient is not zero
      assertThat(folded.get(folded.size() - 3)).isNotEqualTo(mean0.toFloatArray());
      assertThat(folded.get(1)).isNotEqualTo(new float[folded.get(1).length]);
    }
  }

  @Test
  void rowsHoldAMultipleOf16ValuesAndDivideThePixels() {
    for (long c = 1; c <= 200; c++) {
      for (long pixels : new long[] {64 * 32 * 32, 64 * 49, 37 * 49, 245, 1, 7}) {
        int k = BatchNorm2d.rowWidth(c, pixels);
        assertThat(k).isPositive();
        assertThat(pixels % k).as("c %d, pixels %d", c, pixels).isZero();
        if (pixels == 64 * 32 * 32) {
          assertThat(k * c % 16).isZero();
          assertThat(k * c).isGreaterThanOrEqualTo(64);
        }
      }
    }
  }

  @Test
  void onlyChannelCountsLibtorchHandlesSlowlyOnTheCpuTakeTheRowOperators() {
    Device cpu = Device.cpu();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 12, 16, 16), cpu)).isTrue();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 36, 8, 8), cpu)).isTrue();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 8, 32, 32), cpu)).isTrue();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 8, 16, 16), cpu)).isFalse();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 16, 32, 32), cpu)).isFalse();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 12), cpu)).isFalse();
    assertThat(BatchNorm2d.foldsChannels(new Shape(64, 12, 16, 16), Device.gpu())).isFalse();
  }

  /**
   * Lets the garbage collector free unreferenced direct buffers and refills the memory with NaN:
   * an array DJL made from a Java number and closed (a scalar operand) is such a buffer, and a
   * backward pass that still read it (pow's exponent does) would then see NaN.
   */
  private static void scrubFreedDirectMemory() {
    System.gc();
    System.runFinalization();
    for (int i = 0; i < 200; i++) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64).order(java.nio.ByteOrder.nativeOrder());
      while (b.remaining() >= 4) {
        b.putFloat(Float.NaN);
      }
    }
  }
}
