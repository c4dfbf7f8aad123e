package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;

/** Builds {@link CellNetwork}s for architectures of a {@link CellSpace}, sized by its params. */
public final class CellBuilder implements ModelBuilder {
  private final CellSpace space;

  public CellBuilder(CellSpace space) {
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

  private CellNetwork network(Architecture arch, Shape inputShape, int numClasses) {
    Builders.checkArguments(space, arch, inputShape, numClasses);
    return new CellNetwork(
        space.normalCell(arch),
        space.reductionCell(arch),
        space.cellsPerStack(),
        space.stacks(),
        space.filters(),
        inputShape,
        numClasses);
  }
}
