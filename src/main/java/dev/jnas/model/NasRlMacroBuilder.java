package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlMacroSpace;

/**
 * Builds {@link NasRlMacroNetwork}s for architectures of a {@link NasRlMacroSpace}, or {@link
 * EnasMacroNetwork}s when its layers pick ENAS's macro ops.
 */
public final class NasRlMacroBuilder extends SpaceModelBuilder<NasRlMacroSpace> {
  public NasRlMacroBuilder(NasRlMacroSpace space) {
    super(space);
  }

  @Override
  protected Built network(Architecture arch, Shape inputShape, int numClasses) {
    if (space.searchesOps()) {
      EnasMacroNetwork e = new EnasMacroNetwork(space.opLayers(arch), space.width(), inputShape, numClasses);
      return new Built(e, new Shape(numClasses), e.flops());
    }
    NasRlMacroNetwork n = new NasRlMacroNetwork(space.layers(arch), inputShape, numClasses);
    return new Built(n, new Shape(numClasses), n.flops());
  }
}
