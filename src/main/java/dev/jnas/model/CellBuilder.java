package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;

/** Builds {@link CellNetwork}s for architectures of a {@link CellSpace}, sized by its params. */
public final class CellBuilder extends SpaceModelBuilder<CellSpace> {
  public CellBuilder(CellSpace space) {
    super(space);
  }

  @Override
  protected Built network(Architecture arch, Shape inputShape, int numClasses) {
    CellNetwork n =
        new CellNetwork(
            space.normalCell(arch),
            space.reductionCell(arch),
            space.cellsPerStack(),
            space.stacks(),
            space.filters(),
            inputShape,
            numClasses);
    return new Built(n, new Shape(numClasses), n.flops());
  }
}
