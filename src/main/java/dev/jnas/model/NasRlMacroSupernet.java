package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The supernet of {@code nasrl-macro} with ENAS's macro ops (ENAS's macro search): the
 * stand-alone {@link EnasMacroNetwork} skeleton around layers whose op is a mixed op over the
 * space's ops and whose skip connections are mixed ops over absent (zero) and present (identity).
 * The labels are the space's decisions in order, {@code in_<j>_<i>} (options {@code 0}, {@code 1})
 * and {@code op_<i>}, so an architecture's choices are the labels' options.
 */
public final class NasRlMacroSupernet extends Supernet {
  private final NasRlMacroSpace space;

  /**
   * @throws BadInputException when the space picks filter sizes rather than ENAS's ops
   */
  public NasRlMacroSupernet(NasRlMacroSpace space, Shape inputShape, int numClasses) {
    super(space, new NasRlMacroBuilder(space), labels(space), inputShape, numClasses);
    this.space = space;
    Builders.checkArguments(space, space.sample(dev.jnas.util.Rng.of(0)), inputShape, numClasses);
    setBlock(
        new EnasMacroNetwork(
            (i, shape) -> new Built(new SuperLayer(state, i, space, shape), shape, 0),
            space.layers(),
            space.width(),
            inputShape,
            numClasses));
  }

  private static List<Label> labels(NasRlMacroSpace space) {
    if (!space.searchesOps()) {
      throw new BadInputException(
          "search space '" + NasRlMacroSpace.NAME + "' has a supernet only with ENAS's macro ops: set its parameter"
              + " ops, e.g. ops: [" + String.join(", ", NasRlMacroSpace.ENAS_OPS) + "] (filter sizes and counts"
              + " give layers of different shapes, which cannot share one network)");
    }
    List<Label> out = new ArrayList<>();
    for (Decision d : space.decisions()) {
      List<String> options = new ArrayList<>();
      for (int k = 0; k < d.cardinality(); k++) {
        options.add(d.label(k));
      }
      out.add(new Label(d.name(), options));
    }
    return out;
  }

  /** The label of layer {@code i}'s first decision: layers before it have k + 1 each. */
  private static int first(int i) {
    return i * (i + 1) / 2;
  }

  /** A layer whose op and skip connections are mixed ops; sums as {@link EnasMacroNetwork} does. */
  private static final class SuperLayer extends FixedShapeBlock {
    private final MixedOp op;
    private final MixedOp[] skips;
    private final Block norm;

    SuperLayer(PathState state, int index, NasRlMacroSpace space, Shape shape) {
      List<Built> cands = new ArrayList<>();
      for (String name : space.ops()) {
        cands.add(EnasMacroNetwork.op(name, shape));
      }
      op = child("op", new MixedOp(state, first(index) + index, shape, shape, space.ops(), cands), shape);
      skips = new MixedOp[index];
      List<Built> connection = new ArrayList<>();
      connection.add(null); // absent
      connection.add(MixedOp.identity(shape));
      for (int j = 0; j < index; j++) {
        MixedOp m = new MixedOp(state, first(index) + j, shape, shape, List.of("0", "1"), connection);
        skips[j] = child("in_" + j, m, shape);
      }
      Built n = EnasMacroNetwork.norm(index, shape);
      norm = n == null ? null : child("bn", n, shape);
      setExampleOutput(shape);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.get(inputs.size() - 1);
      NDArray y = MixedOp.outputOrNull(op.forward(store, new NDList(x), training));
      for (int j = 0; j < skips.length; j++) {
        NDArray v = MixedOp.outputOrNull(skips[j].forward(store, new NDList(inputs.get(j + 1)), training));
        if (v != null) {
          y = y == null ? v : y.add(v);
        }
      }
      if (y == null) {
        y = zerosLike(x); // no op active (a path that picks none): every shape here is x's
      }
      return new NDList(norm == null ? y : run(norm, store, y, training));
    }
  }
}
