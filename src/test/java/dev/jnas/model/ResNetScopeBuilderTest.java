package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.jnas.space.Architecture;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResNetScopeBuilderTest {
  /** One block per stage, every width at the minimum 8 (outputs 32). */
  private final ResNetScopeSpace tiny = new ResNetScopeSpace(ResNetScopeSpace.Scope.S, 0.01, List.of(1, 1, 1, 1));

  @Test
  void defaultSpaceTrainsOnGreyAndColourImages() {
    ResNetScopeSpace space = new ResNetScopeSpace();
    ResNetScopeBuilder builder = new ResNetScopeBuilder(space);
    NetworkChecks.forwardAndStep(builder, space.decode("k5_mish,k3_leaky_relu,k5_relu"), NetworkChecks.MNIST, 10);
    NetworkChecks.forwardAndStep(builder, space.sample(Rng.of(3)), NetworkChecks.CIFAR, 10);
  }

  @Test
  void channelsLastAndNchwInputsGiveTheSameResults() {
    ResNetScopeSpace space = new ResNetScopeSpace(ResNetScopeSpace.Scope.F, 0.01, List.of(1, 1, 1, 1));
    NetworkChecks.sameInBothLayouts(
        new ResNetScopeBuilder(space), space.decode("k5_mish,k3_leaky_relu,k5_relu,k3_mish"), NetworkChecks.CIFAR, 10);
  }

  @Test
  void flopsCountConvolutionsAnalytically() {
    ResNetScopeBuilder builder = new ResNetScopeBuilder(tiny);
    Shape in = new Shape(1, 8, 8);
    // stem 3x3 to 8 channels at 8x8; per stage: reduce 1x1 to 8, middle kxk 8->8 (strided from stage 2),
    // expand 1x1 8->32, projection 1x1 to 32; the maps are 8, 4, 2, 1; linear 32->10.
    long stem = 9L * 1 * 8 * 64;
    long stage1 = 8L * 8 * 64 + 9L * 8 * 8 * 64 + 8L * 32 * 64 + 8L * 32 * 64;
    long stage2 = 32L * 8 * 64 + 9L * 8 * 8 * 16 + 8L * 32 * 16 + 32L * 32 * 16;
    long stage3 = 32L * 8 * 16 + 9L * 8 * 8 * 4 + 8L * 32 * 4 + 32L * 32 * 4;
    long stage4 = 32L * 8 * 4 + 9L * 8 * 8 * 1 + 8L * 32 * 1 + 32L * 32 * 1;
    assertThat(builder.flops(tiny.decode("k3_mish"), in, 10)).isEqualTo(stem + stage1 + stage2 + stage3 + stage4 + 32 * 10);
    // a 5x5 middle convolution in the one search block (stage 4, a 1x1 map)
    assertThat(builder.flops(tiny.decode("k5_relu"), in, 10) - builder.flops(tiny.decode("k3_relu"), in, 10))
        .isEqualTo((25L - 9) * 8 * 8);
  }

  @Test
  void largeImagesGetImageNetsStem() {
    ResNetScopeBuilder builder = new ResNetScopeBuilder(tiny);
    Architecture a = tiny.decode("k3_relu");
    // 7x7 stride 2 and a stride-2 max pool take 128 to 32: the rest is the 32x32 network behind its 3x3 stem
    long large = builder.flops(a, new Shape(1, 128, 128), 10) - 49L * 8 * 64 * 64;
    long small = builder.flops(a, new Shape(1, 32, 32), 10) - 9L * 8 * 32 * 32;
    assertThat(large).isEqualTo(small);
    assertThat(ResNetScopeBuilder.IMAGENET_STEM_MIN_SIZE).isEqualTo(128);
  }

  @Test
  void kernelFiveAddsWeightsWhileActivationsChangeOnlyTheNumbers() {
    ResNetScopeBuilder builder = new ResNetScopeBuilder(tiny);
    Shape in = new Shape(3, 8, 8);
    try (Model m = Model.newInstance("activations")) {
      NDManager manager = m.getNDManager();
      Block relu = initialized(builder, tiny.decode("k3_relu"), in, manager);
      Block leaky = initialized(builder, tiny.decode("k3_leaky_relu"), in, manager);
      Block mish = initialized(builder, tiny.decode("k3_mish"), in, manager);
      Block k5 = initialized(builder, tiny.decode("k5_relu"), in, manager);
      assertThat(count(k5) - count(relu)).isEqualTo((25L - 9) * 8 * 8);
      copy(relu, leaky);
      copy(relu, mish);
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager sub = manager.newSubManager()) {
        NDArray x = sub.create(NetworkChecks.randomFloats(4 * in.size(), 5), new Shape(4).addAll(in));
        float[] a = logits(relu, x, sub);
        assertThat(logits(relu, x, sub)).containsExactly(a);
        assertThat(logits(leaky, x, sub)).isNotEqualTo(a);
        assertThat(logits(mish, x, sub)).isNotEqualTo(a).isNotEqualTo(logits(leaky, x, sub));
      } finally {
        JniUtils.setGradMode(grad);
      }
    }
  }

  @Test
  void isTheSpacesOwnBuilder() {
    assertThat(ModelBuilders.forSpace(SearchSpaces.create("resnet50-scope", null))).isInstanceOf(ResNetScopeBuilder.class);
  }

  private static Block initialized(ResNetScopeBuilder builder, Architecture a, Shape in, NDManager manager) {
    Block b = builder.build(a, in, 10);
    b.initialize(manager, DataType.FLOAT32, new Shape(2).addAll(in));
    return b;
  }

  private static long count(Block b) {
    long n = 0;
    for (Pair<String, Parameter> p : b.getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }

  private static void copy(Block from, Block to) {
    List<Parameter> src = new ArrayList<>();
    from.getParameters().forEach(p -> src.add(p.getValue()));
    List<Parameter> dst = new ArrayList<>();
    to.getParameters().forEach(p -> dst.add(p.getValue()));
    assertThat(dst).hasSameSizeAs(src);
    for (int i = 0; i < src.size(); i++) {
      dst.get(i).getArray().set(new ai.djl.ndarray.index.NDIndex("..."), src.get(i).getArray());
    }
  }

  private static float[] logits(Block b, NDArray x, NDManager manager) {
    return b.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow().toFloatArray();
  }
}
