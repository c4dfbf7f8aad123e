package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.CellSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * A NASNet-style network: stem conv3x3(F)+BN, then {@code stacks} groups of {@code N} normal
 * cells with a reduction cell (doubling the filters) between groups; each cell reads the two
 * previous cells' outputs (the stem's output stands in for both at the start); global average
 * pooling and a linear classifier.
 */
public final class CellNetwork extends FixedShapeBlock implements OnnxExportable {
  private final Block stem;
  private final List<Block> cells = new ArrayList<>();
  private final Block pool;
  private final Block classifier;
  private final long flops;

  /** Builds one cell over h[-2], h[-1] of the given per-example shapes at {@code filters} channels. */
  @FunctionalInterface
  interface CellFactory {
    Built cell(Shape prevPrev, Shape prev, int filters, boolean reduction);
  }

  public CellNetwork(
      List<CellSpace.Block> normal,
      List<CellSpace.Block> reduction,
      int cellsPerStack,
      int stacks,
      int filters,
      Shape input,
      int numClasses) {
    this(
        (prevPrev, prev, width, isReduction) -> {
          NasNetCell c = new NasNetCell(isReduction ? reduction : normal, prevPrev, prev, width, isReduction);
          return new Built(c, c.output(), c.flops());
        },
        cellsPerStack,
        stacks,
        filters,
        input,
        numClasses);
  }

  /** The network around the cells that {@code factory} builds (shared with the supernet). */
  CellNetwork(CellFactory factory, int cellsPerStack, int stacks, int filters, Shape input, int numClasses) {
    Built s = Ops.conv(input, filters, 3, 1);
    Built stemBuilt = Ops.chain(List.of(s, Ops.batchNorm(s.output())));
    stem = child("stem", stemBuilt, input);
    long total = stemBuilt.flops();
    Shape prevPrev = stemBuilt.output();
    Shape prev = stemBuilt.output();
    int width = filters;
    for (int stack = 0; stack < stacks; stack++) {
      if (stack > 0) {
        width *= 2;
        Built r = factory.cell(prevPrev, prev, width, true);
        total += addCell("reduce_" + stack, r, prevPrev, prev);
        prevPrev = prev;
        prev = r.output();
      }
      for (int n = 0; n < cellsPerStack; n++) {
        Built c = factory.cell(prevPrev, prev, width, false);
        total += addCell("normal_" + stack + "_" + n, c, prevPrev, prev);
        prevPrev = prev;
        prev = c.output();
      }
    }
    Built gap = Ops.globalAvgPool(prev);
    Built linear = Ops.linear(gap.output(), numClasses);
    pool = child("pool", gap, prev);
    classifier = child("classifier", linear, gap.output());
    flops = total + linear.flops();
    setExampleOutput(linear.output());
  }

  private long addCell(String name, Built cell, Shape prevPrev, Shape prev) {
    cells.add(child(name, cell, prevPrev, prev));
    return cell.flops();
  }

  public long flops() {
    return flops;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h1 = run(stem, store, inputs.singletonOrThrow(), training);
    NDArray h0 = h1;
    for (Block cell : cells) {
      NDArray next = cell.forward(store, new NDList(h0, h1), training).singletonOrThrow();
      h0 = h1;
      h1 = next;
    }
    return new NDList(run(classifier, store, run(pool, store, h1, training), training));
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    String h1 = o.emit(stem, inputs.get(0));
    String h0 = h1;
    for (Block cell : cells) {
      String next = o.emit(cell, List.of(h0, h1)).get(0);
      h0 = h1;
      h1 = next;
    }
    return List.of(o.emit(classifier, o.emit(pool, h1)));
  }
}
