package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlMacroSpace;

/** Builds {@link NasRlMacroNetwork}s for architectures of a {@link NasRlMacroSpace}. */
public final class NasRlMacroBuilder extends SpaceModelBuilder<NasRlMacroSpace> {
  public NasRlMacroBuilder(NasRlMacroSpace space) {
    super(space);
  }

  @Override
  protected Built network(Architecture arch, Shape inputShape, int numClasses) {
    NasRlMacroNetwork n = new NasRlMacroNetwork(space.layers(arch), inputShape, numClasses);
    return new Built(n, new Shape(numClasses), n.flops());
  }
}
