package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;

/**
 * A builder for one space's architectures: checks the arguments, then builds; {@link #build} and
 * {@link #flops} share {@link #network}, so the count always describes the built network.
 */
abstract class SpaceModelBuilder<S extends SearchSpace> implements ModelBuilder {
  protected final S space;

  SpaceModelBuilder(S space) {
    this.space = space;
  }

  @Override
  public final Block build(Architecture arch, Shape inputShape, int numClasses) {
    return checked(arch, inputShape, numClasses).block();
  }

  @Override
  public final long flops(Architecture arch, Shape inputShape, int numClasses) {
    return checked(arch, inputShape, numClasses).flops();
  }

  private Built checked(Architecture arch, Shape inputShape, int numClasses) {
    Builders.checkArguments(space, arch, inputShape, numClasses);
    return network(arch, inputShape, numClasses);
  }

  /** The network for valid arguments. */
  protected abstract Built network(Architecture arch, Shape inputShape, int numClasses);
}
