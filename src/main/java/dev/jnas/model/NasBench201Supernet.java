package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * NAS-Bench-201's supernet: the stand-alone skeleton (stem, reductions, classifier) around cells
 * whose six edges are mixed ops over the five edge ops. Every cell has its own weights; the
 * labels are the six edges, shared by all cells as the architecture is.
 */
public final class NasBench201Supernet extends Supernet {
  private final NasBench201Space space;

  public NasBench201Supernet(NasBench201Space space, Shape inputShape, int numClasses) {
    super(space, new NasBench201Builder(space), edgeLabels(), inputShape, numClasses);
    this.space = space;
    Builders.checkArguments(space, space.sample(dev.jnas.util.Rng.of(0)), inputShape, numClasses);
    setBlock(
        NasBench201Builder.skeleton(space, inputShape, numClasses, shape -> {
          SuperCell cell = new SuperCell(state, shape);
          return new Built(cell, shape, 0);
        }).block());
  }

  private static List<Label> edgeLabels() {
    List<Label> out = new ArrayList<>();
    for (int to = 1; to < NasBench201Space.NODES; to++) {
      for (int from = 0; from < to; from++) {
        out.add(new Label("edge_" + to + "_" + from, NasBench201Space.OPS));
      }
    }
    return out; // edgeIndex order
  }






  /** A cell whose edges are mixed ops; sums node inputs in the stand-alone cell's order. */
  private static final class SuperCell extends FixedShapeBlock {
    private final MixedOp[] edges = new MixedOp[6];

    SuperCell(PathState state, Shape input) {
      for (int to = 1; to < NasBench201Space.NODES; to++) {
        for (int from = 0; from < to; from++) {
          int e = NasBench201Space.edgeIndex(to, from);
          List<Built> cands = new ArrayList<>();
          for (String op : NasBench201Space.OPS) {
            cands.add(NasBench201Cell.candidate(op, input));
          }
          edges[e] = child("edge_" + to + "_" + from, new MixedOp(state, e, input, input, NasBench201Space.OPS, cands), input);
        }
      }
      setExampleOutput(input);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(NasBench201Cell.nodes(inputs.singletonOrThrow(),
          (e, x, zero) -> MixedOp.outputOrNull(edges[e].forward(store, new NDList(x), training))));
    }
  }
}
