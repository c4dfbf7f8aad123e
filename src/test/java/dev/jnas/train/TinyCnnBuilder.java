package dev.jnas.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import dev.jnas.model.ModelBuilder;
import dev.jnas.space.Architecture;

/**
 * A small CNN for tests and measurements: conv(w)-BN-ReLU-pool, conv(2w)-BN-ReLU-pool, linear.
 * The architecture's first choice picks the width {@code w = 4 * (choice + 1)}; an architecture
 * whose first choice is {@link #REJECTED} is refused like a builder refuses a broken cell.
 */
public final class TinyCnnBuilder implements ModelBuilder {
  public static final int REJECTED = 0;

  @Override
  public Block build(Architecture arch, Shape inputShape, int numClasses) {
    if (arch.get(0) == REJECTED) {
      throw new IllegalArgumentException("choice 0 of decision 0 is not buildable");
    }
    int w = 4 * (arch.get(0) + 1);
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(w).build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(2 * w).build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(numClasses).build());
  }

  @Override
  public long flops(Architecture arch, Shape inputShape, int numClasses) {
    int w = 4 * (arch.get(0) + 1);
    long c = inputShape.get(0);
    long h = inputShape.get(1);
    long wd = inputShape.get(2);
    long f1 = h * wd * w * c * 9;
    long f2 = (h / 2) * (wd / 2) * 2L * w * w * 9;
    long f3 = (h / 4) * (wd / 4) * 2L * w * numClasses;
    return f1 + f2 + f3;
  }
}
