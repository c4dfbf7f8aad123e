package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.util.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

class NasRlMacroBuilderTest {
  private final NasRlMacroSpace strided = new NasRlMacroSpace(4, List.of(1, 3, 5), List.of(4, 6), true);
  private final NasRlMacroSpace flat = new NasRlMacroSpace(3, List.of(1, 3), List.of(4, 8), false);

  @Test
  void sampledNetworksTrainWithAndWithoutStrides() {
    Rng rng = Rng.of(5);
    for (int i = 0; i < 3; i++) {
      NetworkChecks.forwardAndStep(new NasRlMacroBuilder(strided), strided.sample(rng), NetworkChecks.MNIST, 10);
      NetworkChecks.forwardAndStep(new NasRlMacroBuilder(flat), flat.sample(rng), NetworkChecks.CIFAR, 10);
    }
  }

  @Test
  void channelsLastAndNchwInputsGiveTheSameResults() {
    Architecture a = strided.decode("3x3x4s1;5x1x6s2<0;1x5x4s2<0,1;3x3x6s1");
    NetworkChecks.sameInBothLayouts(new NasRlMacroBuilder(strided), a, NetworkChecks.CIFAR, 4);
  }

  @Test
  void mixedSizesArePaddedAndDanglingLayersReachTheClassifier() {
    // Layer 1 halves the size; layer 2 concatenates the full-size layer 0 with it; layer 3 has no
    // input (takes the image) and layers 2, 3 dangle into the final concatenation.
    Architecture a = strided.decode("3x3x4s1;5x1x6s2<0;1x5x4s2<0,1;3x3x6s1");
    NetworkChecks.forwardAndStep(new NasRlMacroBuilder(strided), a, NetworkChecks.CIFAR, 4);
    NetworkChecks.forwardAndStep(new NasRlMacroBuilder(strided), a, new Shape(1, 7, 9), 4);
  }

  @Test
  void flopsFollowTheLayerShapes() {
    Shape in = new Shape(1, 8, 8);
    NasRlMacroBuilder b = new NasRlMacroBuilder(strided);
    Architecture a = strided.decode("3x3x4s1;1x1x6s2<0;1x1x4s1<1;1x1x6s1");
    long expected =
        9L * 1 * 4 * 64 // layer 0 on the image
            + 4L * 6 * 16 // layer 1: 1x1 from 4 channels, stride 2 -> 4x4
            + 6L * 4 * 16 // layer 2: from layer 1
            + 1L * 6 * 64 // layer 3: no input, takes the image
            + (4 + 6) * 5L; // classifier over layers 2 and 3 (dangling) concatenated
    assertThat(b.flops(a, in, 5)).isEqualTo(expected);
    Architecture wider = strided.decode("3x3x4s1;1x1x6s2<0;1x1x4s1<1;5x5x6s1");
    assertThat(b.flops(wider, in, 5)).isGreaterThan(b.flops(a, in, 5));
  }

  @Test
  void enasOpNetworksTrainAndCountTheirOps() {
    NasRlMacroSpace ops = NasRlMacroSpace.withOps(3, NasRlMacroSpace.ENAS_OPS, 4);
    Rng rng = Rng.of(2);
    for (int i = 0; i < 2; i++) {
      NetworkChecks.forwardAndStep(new NasRlMacroBuilder(ops), ops.sample(rng), NetworkChecks.MNIST, 10);
    }
    Shape in = new Shape(1, 8, 8);
    NasRlMacroBuilder b = new NasRlMacroBuilder(ops);
    long expected =
        9L * 1 * 4 * 64 // stem conv3x3 to 4 channels
            + 9L * 4 * 4 * 64 // conv3x3
            + (25L * 4 + 4L * 4) * 64 // sep5x5: depthwise then pointwise
            + 0 // max3x3 with skips from 0 and 1: additions are not counted
            + 4L * 5; // classifier
    assertThat(b.flops(ops.decode("conv3x3;sep5x5<0;max3x3<0,1"), in, 5)).isEqualTo(expected);
  }
}
