package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlMacroSpace;

/** Builds {@link NasRlMacroNetwork}s for architectures of a {@link NasRlMacroSpace}. */
public final class NasRlMacroBuilder implements ModelBuilder {
  private final NasRlMacroSpace space;

  public NasRlMacroBuilder(NasRlMacroSpace space) {
    this.space = space;
  }

  @Override
  public Block build(Architecture arch, Shape inputShape, int numClasses) {
    return network(arch, inputShape, numClasses);
  }

  @Override
  public long flops(Architecture arch, Shape inputShape, int numClasses) {
    return network(arch, inputShape, numClasses).flops();
  }

  private NasRlMacroNetwork network(Architecture arch, Shape inputShape, int numClasses) {
    Builders.checkArguments(space, arch, inputShape, numClasses);
    return new NasRlMacroNetwork(space.layers(arch), inputShape, numClasses);
  }
}
