package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import java.util.ArrayList;
import java.util.List;

/**
 * NAS-Bench-201's network: stem conv3x3(C)+BN; three stages of N cells with C, 2C, 4C channels,
 * separated by {@link ResidualReduction}s; BN, ReLU, global average pooling and a linear
 * classifier. N and C come from the space ({@code cells_per_stage}, {@code channels}).
 */
public final class NasBench201Builder extends SpaceModelBuilder<NasBench201Space> {
  private static final int STAGES = 3;

  public NasBench201Builder(NasBench201Space space) {
    super(space);
  }

  @Override
  protected Built network(Architecture arch, Shape inputShape, int numClasses) {
    List<String> ops = opNames(arch);
    return skeleton(space, inputShape, numClasses, shape -> {
      NasBench201Cell cell = new NasBench201Cell(ops, shape);
      return new Built(cell, shape, cell.flops());
    });
  }

  /** The network around the cells that {@code cell} builds for a per-example shape (shared with the supernet). */
  static Built skeleton(
      NasBench201Space space, Shape inputShape, int numClasses, java.util.function.Function<Shape, Built> cell) {
    List<Built> parts = new ArrayList<>();
    int channels = space.channels();
    Built stem = Ops.conv(inputShape, channels, 3, 1);
    parts.add(stem);
    parts.add(Ops.batchNorm(stem.output()));
    Shape shape = stem.output();
    for (int stage = 0; stage < STAGES; stage++) {
      if (stage > 0) {
        channels *= 2;
        ResidualReduction r = new ResidualReduction(shape, channels);
        parts.add(new Built(r, r.output(), r.flops()));
        shape = r.output();
      }
      for (int n = 0; n < space.cellsPerStage(); n++) {
        parts.add(cell.apply(shape));
      }
    }
    parts.add(Ops.batchNorm(shape));
    parts.add(Ops.relu(shape));
    Built pool = Ops.globalAvgPool(shape);
    parts.add(pool);
    parts.add(Ops.linear(pool.output(), numClasses));
    return Ops.chain(parts);
  }

  /** The six edge ops of a NAS-Bench-201 architecture by name, in {@link NasBench201Space#edgeIndex} order. */
  static List<String> opNames(Architecture arch) {
    List<String> ops = new ArrayList<>();
    for (int e = 0; e < arch.size(); e++) {
      ops.add(NasBench201Space.OPS.get(arch.get(e)));
    }
    return ops;
  }
}
