package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.space.ResNetScopeSpace.Bottleneck;
import java.util.ArrayList;
import java.util.List;

/**
 * The network of {@link ResNetScopeSpace}: ResNet-50 (torchvision's v1.5 bottleneck, the stride on
 * the middle convolution) with each block's kernel and activation taken from the architecture.
 *
 * <p>Stem: images smaller than {@value #IMAGENET_STEM_MIN_SIZE} pixels on a side (Fashion-MNIST's
 * 28, CIFAR's 32) get the CIFAR ResNet stem, conv3x3 stride 1 + BN + ReLU without max pooling, so
 * stage 4 still sees a 4x4 map; larger images get ImageNet's conv7x7 stride 2 + BN + ReLU +
 * max-pool3x3 stride 2. Stages 2-4 halve the size in their first block. Head: global average
 * pooling and a linear classifier.
 *
 * <p>A bottleneck: conv1x1(width) BN act, conv kxk(width, stride) BN act, conv1x1(4 width) BN, plus
 * the shortcut (a projection conv1x1 + BN where stride or channels change), then act. Outside the
 * search scope k = 3 and act = ReLU; LeakyReLU has PyTorch's slope 0.01.
 */
public final class ResNetScopeBuilder extends SpaceModelBuilder<ResNetScopeSpace> {
  /** Images at least this large on both sides get ImageNet's stem. */
  public static final int IMAGENET_STEM_MIN_SIZE = 128;
  /** LeakyReLU's negative slope (PyTorch's default). */
  public static final float LEAKY_RELU_SLOPE = 0.01f;

  public ResNetScopeBuilder(ResNetScopeSpace space) {
    super(space);
  }

  @Override
  protected Built network(Architecture arch, Shape inputShape, int numClasses) {
    return skeleton(space, space.bottlenecks(arch), inputShape, numClasses, ResNetScopeBuilder::bottleneck);
  }

  /** Builds one bottleneck block at its place in the network. */
  @FunctionalInterface
  interface BlockFactory {
    /**
     * @param width the bottleneck width (middle convolution's channels)
     * @param output the block's output channels
     */
    Built build(Bottleneck block, Shape input, int width, int output, int stride);
  }

  /** Stem, the four stages of {@code blocks} (each built by {@code factory}) and the head (shared with the supernet). */
  static Built skeleton(
      ResNetScopeSpace space, List<Bottleneck> blocks, Shape inputShape, int numClasses, BlockFactory factory) {
    List<Built> parts = new ArrayList<>(stem(inputShape, space.stemChannels()));
    Shape shape = parts.get(parts.size() - 1).output();
    for (Bottleneck b : blocks) {
      int stride = b.stage() > 1 && b.index() == 1 ? 2 : 1;
      Built block = factory.build(b, shape, space.bottleneckWidth(b.stage()), space.stageChannels(b.stage()), stride);
      parts.add(block);
      shape = block.output();
    }
    Built pool = Ops.globalAvgPool(shape);
    parts.add(pool);
    parts.add(Ops.linear(pool.output(), numClasses));
    return Ops.chain(parts);
  }

  private static List<Built> stem(Shape input, int channels) {
    boolean large = Ops.height(input) >= IMAGENET_STEM_MIN_SIZE && Ops.width(input) >= IMAGENET_STEM_MIN_SIZE;
    Built conv = large ? Ops.conv(input, channels, 7, 2) : Ops.conv(input, channels, 3, 1);
    List<Built> parts = new ArrayList<>(List.of(conv, Ops.batchNorm(conv.output()), Ops.relu(conv.output())));
    if (large) {
      parts.add(Ops.maxPool3(conv.output(), 2));
    }
    return parts;
  }

  /** The stand-alone block: kernel and activation as {@code block} says. */
  static Built bottleneck(Bottleneck block, Shape input, int width, int output, int stride) {
    Built branch = branch(input, width, output, stride, block.kernel(), block.activation());
    return residual(input, branch, activation(block.activation(), branch.output()), stride);
  }

  /** A bottleneck's residual branch: conv1x1 BN act, conv kxk (stride) BN act, conv1x1 BN. */
  static Built branch(Shape input, int width, int output, int stride, int kernel, String activation) {
    Built reduce = Ops.conv(input, width, 1, 1);
    Built middle = Ops.conv(reduce.output(), width, kernel, stride);
    Built expand = Ops.conv(middle.output(), output, 1, 1);
    return Ops.chain(List.of(
        reduce, Ops.batchNorm(reduce.output()), activation(activation, reduce.output()),
        middle, Ops.batchNorm(middle.output()), activation(activation, middle.output()),
        expand, Ops.batchNorm(expand.output())));
  }

  /** {@code activation(branch(x) + shortcut(x))}, with a projection shortcut where the shape changes. */
  static Built residual(Shape input, Built branch, Built activation, int stride) {
    Built shortcut = null;
    if (stride != 1 || Ops.channels(input) != Ops.channels(branch.output())) {
      Built project = Ops.conv(input, Ops.channels(branch.output()), 1, stride);
      shortcut = Ops.chain(List.of(project, Ops.batchNorm(project.output())));
    }
    ResidualBottleneck block = new ResidualBottleneck(input, branch, shortcut, activation);
    return new Built(block, branch.output(), branch.flops() + (shortcut == null ? 0 : shortcut.flops()));
  }

  /** {@code relu}, {@code leaky_relu} or {@code mish} as a parameter-free block. */
  static Built activation(String name, Shape shape) {
    return new Built(
        switch (name) {
          case "relu", "mish" -> new Stateless.Act(name);
          case "leaky_relu" -> new Stateless.Act(name, LEAKY_RELU_SLOPE);
          default -> throw new IllegalArgumentException("unknown activation " + name);
        },
        shape,
        0);
  }
}
