package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Rng;
import java.math.BigInteger;
import java.util.stream.Stream;

/**
 * Builds the networks of a {@link LayersTemplate} (model builder {@code layers}) as a DJL {@link
 * SequentialBlock}: {@code Conv2d} (+ jnas's {@link BatchNorm2d}), max/average pooling, {@code
 * Linear}, {@code Dropout}, flatten and activation blocks, then the output layer.
 */
public final class LayersBuilder implements ModelBuilder {
  public static final String NAME = "layers";
  /** Spaces up to this size are checked architecture by architecture; larger ones by a sample. */
  static final int CHECK_ALL = 100_000;
  static final int CHECK_SAMPLE = 10_000;

  private final LayersTemplate template;

  LayersBuilder(LayersTemplate template) {
    this.template = template;
  }

  private LayersTemplate.Plan plan(Architecture arch, Shape inputShape, int numClasses) {
    Builders.checkArguments(template.space(), arch, inputShape, numClasses);
    return template.plan(arch, inputShape, numClasses);
  }

  @Override
  public Block build(Architecture arch, Shape inputShape, int numClasses) {
    SequentialBlock seq = new SequentialBlock();
    Shape in = inputShape;
    for (LayersTemplate.Step step : plan(arch, inputShape, numClasses).steps()) {
      seq.add(block(step, in));
      in = step.out();
    }
    return seq;
  }

  @Override
  public long flops(Architecture arch, Shape inputShape, int numClasses) {
    return plan(arch, inputShape, numClasses).flops();
  }

  private static Block block(LayersTemplate.Step step, Shape in) {
    if (step instanceof LayersTemplate.Conv c) {
      Built conv = Ops.conv(in, c.filters(), c.kernel(), c.kernel(), c.stride(), c.stride(),
          c.kernel() / 2, c.kernel() / 2, 1, 1, !c.batchNorm());
      return c.batchNorm() ? new SequentialBlock().add(conv.block()).add(new BatchNorm2d()) : conv.block();
    }
    if (step instanceof LayersTemplate.Pool p) {
      Shape window = new Shape(p.size(), p.size());
      Shape stride = new Shape(p.stride(), p.stride());
      return switch (p.type()) {
        case "max" -> Pool.maxPool2dBlock(window, stride, new Shape(0, 0), false);
        case "avg" -> Pool.avgPool2dBlock(window, stride, new Shape(0, 0), false, true);
        case "global_avg" -> Ops.globalAvgPool(in).block();
        default -> Pool.globalMaxPool2dBlock();
      };
    }
    if (step instanceof LayersTemplate.Dense d) {
      return Linear.builder().setUnits(d.units()).build();
    }
    if (step instanceof LayersTemplate.Dropout d) {
      return Dropout.builder().optRate((float) d.rate()).build();
    }
    if (step instanceof LayersTemplate.Flatten) {
      return Blocks.batchFlattenBlock();
    }
    return activation(((LayersTemplate.Activation) step).name());
  }

  static Block activation(String name) {
    return switch (name) {
      case "relu" -> Activation.reluBlock();
      case "gelu" -> Activation.geluBlock();
      case "tanh" -> Activation.tanhBlock();
      case "sigmoid" -> Activation.sigmoidBlock();
      case "swish" -> Activation.swishBlock(1f);
      case "mish" -> Activation.mishBlock();
      case "leaky_relu" -> Activation.leakyReluBlock(0.01f);
      case "elu" -> Activation.eluBlock(1f);
      case "selu" -> Activation.seluBlock();
      case "softplus" -> Activation.softPlusBlock();
      default -> throw new IllegalArgumentException("unknown activation " + name); // the template checked it
    };
  }

  /**
   * Plans every architecture of the space (a seeded sample of {@value #CHECK_SAMPLE} when it has
   * more than {@value #CHECK_ALL}), so a template that does not fit the data's images (a window
   * larger than its input, a convolution after a flatten) is reported before any trial.
   */
  @Override
  public void validate(Shape inputShape, int numClasses) {
    SearchSpace space = template.space();
    boolean all = space.isEnumerable() && space.size().compareTo(BigInteger.valueOf(CHECK_ALL)) <= 0;
    Rng rng = Rng.of(0);
    Stream<Architecture> archs = all ? space.enumerate() : Stream.generate(() -> space.sample(rng)).limit(CHECK_SAMPLE);
    archs.forEach(a -> {
      try {
        template.plan(a, inputShape, numClasses);
      } catch (BadInputException e) {
        throw new BadInputException(
            e.getMessage() + ", in architecture " + template.describe(a) + " for inputs " + inputShape
                + "; the template must fit every architecture of the space", e);
      }
    });
  }
}
