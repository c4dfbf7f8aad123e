package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
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
    SequentialBlock seq = new Chain();
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
      return c.batchNorm() ? new Chain().add(conv.block()).add(new BatchNorm2d()) : conv.block();
    }
    if (step instanceof LayersTemplate.Pool p) {
      return switch (p.type()) {
        case "max" -> Stateless.Pool2d.max(p.size(), p.stride(), 0, false);
        case "avg" -> Stateless.Pool2d.avg(p.size(), p.stride(), 0, false, true);
        case "global_avg" -> Ops.globalAvgPool(in).block();
        default -> Stateless.GlobalPool.max();
      };
    }
    if (step instanceof LayersTemplate.Dense d) {
      return Linear.builder().setUnits(d.units()).build();
    }
    if (step instanceof LayersTemplate.Dropout d) {
      return Dropout.builder().optRate((float) d.rate()).build();
    }
    if (step instanceof LayersTemplate.Flatten) {
      return new Stateless.Flatten();
    }
    return activation(((LayersTemplate.Activation) step).name());
  }

  static Block activation(String name) {
    return new Stateless.Act(name, 0.01f); // the template checked the name; leaky_relu: PyTorch's slope
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
