package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cell} space's supernet, DARTS-style: the stand-alone skeleton ({@link CellNetwork},
 * {@link NasNetCell}'s preprocessing) around cells in which every block node has one mixed op per
 * earlier node, over {@code none} and the space's ops. The labels are these edges, {@code
 * <cell>_b<b>_from_<j>} (every normal cell follows the normal labels, every reduction cell the
 * reduction ones); each cell has its own weights.
 *
 * <p>An architecture's sub-network (ENAS): block b's op1 on edge (b, in1) and op2 on edge (b,
 * in2), one weight per (node, input, op). A block whose two slots name the same input and op
 * applies that op once and doubles it, which is what the stand-alone block computes with that
 * weight in both slots (see {@link #pathParameters}); likewise, under {@link #useActive}, a block
 * node with exactly one active (input, op) reads as that block. As in {@link NasNetCell}, the blocks no
 * active edge reads are concatenated and projected back to the cell's width by one 1x1 convolution
 * whose weight covers every block (ENAS): a sub-network uses the input channels of its unused
 * blocks, {@link #copyTo} copies those, and {@link #partiallyUsed()} names them so that training
 * leaves the other channels untouched. Under mixing weights (DARTS) every block is concatenated
 * and the whole projection is used.
 */
public final class CellSupernet extends Supernet {
  private final CellSpace space;
  private final List<SuperCell> cells = new ArrayList<>();

  public CellSupernet(CellSpace space, Shape inputShape, int numClasses) {
    super(space, new CellBuilder(space), edgeLabels(space), inputShape, numClasses);
    this.space = space;
    Builders.checkArguments(space, space.sample(dev.jnas.util.Rng.of(0)), inputShape, numClasses);
    setBlock(
        new CellNetwork(
            (prevPrev, prev, filters, reduction) -> {
              SuperCell c = new SuperCell(this, prevPrev, prev, filters, reduction);
              cells.add(c);
              return new Built(c, c.output, 0);
            },
            space.cellsPerStack(),
            space.stacks(),
            space.filters(),
            inputShape,
            numClasses));
  }

  /** The options of every edge: {@code none}, then the space's ops. */
  private static List<String> options(CellSpace space) {
    List<String> o = new ArrayList<>();
    o.add("none");
    o.addAll(space.ops());
    return o;
  }

  private static List<Label> edgeLabels(CellSpace space) {
    List<Label> out = new ArrayList<>();
    for (String cell : CellSpace.CELLS) {
      for (int b = 0; b < space.blocks(); b++) {
        for (int from = 0; from < b + 2; from++) {
          out.add(new Label(cell + "_b" + b + "_from_" + from, options(space)));
        }
      }
    }
    return out;
  }

  /** The label of edge {@code from -> b} in cell {@code cell} (0 = normal, 1 = reduction). */
  int label(int cell, int b, int from) {
    int perCell = space.blocks() * (space.blocks() + 3) / 2; // sum over b of (b + 2) inputs
    return cell * perCell + b * (b + 3) / 2 + from;
  }




  @Override
  public boolean[][] activeFor(Architecture arch) {
    boolean[][] a = new boolean[labels().size()][space.ops().size() + 1];
    for (int cell = 0; cell < CellSpace.CELLS.size(); cell++) {
      List<CellSpace.Block> blocks = cell == 0 ? space.normalCell(arch) : space.reductionCell(arch);
      for (int b = 0; b < blocks.size(); b++) {
        CellSpace.Block k = blocks.get(b);
        a[label(cell, b, k.input1())][1 + space.ops().indexOf(k.op1())] = true;
        a[label(cell, b, k.input2())][1 + space.ops().indexOf(k.op2())] = true;
      }
    }
    return a;
  }

  /**
   * As {@link #derive} with probability 1 on each edge's choice: per block the first two edges (in
   * input order) that chose an op; when fewer did, edges that chose {@code none} fill in with the
   * space's first op.
   */
  @Override
  public Architecture fromChoices(int[] choices) {
    List<float[]> oneHot = new ArrayList<>();
    for (int l = 0; l < choices.length; l++) {
      float[] p = new float[space.ops().size() + 1];
      p[choices[l]] = 1;
      oneHot.add(p);
    }
    return derive(oneHot);
  }

  /**
   * DARTS's discretisation: per block node, the two incoming edges whose strongest op other than
   * {@code none} is most probable (ties to the earlier input), each with that op, as (in1, op1)
   * and (in2, op2) in that order. Always a valid architecture: a block has at least two inputs.
   */
  @Override
  public Architecture derive(List<float[]> probabilities) {
    if (probabilities.size() != labels().size()) {
      throw new IllegalArgumentException(probabilities.size() + " probability rows for " + labels().size() + " labels");
    }
    int[] c = new int[space.decisions().size()];
    int o = 0;
    for (int cell = 0; cell < CellSpace.CELLS.size(); cell++) {
      for (int b = 0; b < space.blocks(); b++, o += 4) {
        int first = -1;
        int second = -1;
        for (int from = 0; from < b + 2; from++) {
          float s = strength(probabilities.get(label(cell, b, from)));
          if (first < 0 || s > strength(probabilities.get(label(cell, b, first)))) {
            second = first;
            first = from;
          } else if (second < 0 || s > strength(probabilities.get(label(cell, b, second)))) {
            second = from;
          }
        }
        // the block's input decisions index the cell's nodes in order: node id = index
        c[o] = first;
        c[o + 1] = strongestOp(probabilities.get(label(cell, b, first)));
        c[o + 2] = second;
        c[o + 3] = strongestOp(probabilities.get(label(cell, b, second)));
      }
    }
    return space.canonical(new Architecture(space.name(), c));
  }

  /** The largest probability of an option other than {@code none} (index 0). */
  private static float strength(float[] p) {
    return p[strongestOp(p) + 1];
  }

  /** The index among the space's ops (option index - 1) of the most probable non-none option. */
  private static int strongestOp(float[] p) {
    int best = 1;
    for (int k = 2; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best - 1;
  }

  /**
   * The sub-network's parameters in the stand-alone network's order. A block with the same input
   * and op in both slots lists that op's parameters twice; a cell's projection is listed whole
   * (the stand-alone one holds the input channels of the unused blocks only, see {@link #copyTo}).
   */
  @Override
  public List<Parameter> pathParameters(Architecture arch) {
    List<Parameter> out = new ArrayList<>();
    for (Source s : path(arch)) {
      out.add(s.parameter());
    }
    return out;
  }

  /** The projection's value holds only the unused blocks' input channels, as the stand-alone one. */
  @Override
  protected List<NDArray> pathArrays(Architecture arch, NDManager scratch) {
    List<NDArray> out = new ArrayList<>();
    for (Source s : path(arch)) {
      out.add(s.value(scratch));
    }
    return out;
  }

  /** A parameter of the path; the projection's keeps only the unused blocks' input channels. */
  private record Source(Parameter parameter, int[] blocks, int filters) {
    NDArray value(NDManager manager) {
      return blocks == null ? parameter.getArray() : gather(parameter.getArray(), blocks, filters, manager);
    }
  }

  private List<Source> path(Architecture arch) {
    List<Source> out = new ArrayList<>();
    for (Pair<String, Block> child : block().getChildren()) {
      if (child.getValue() instanceof SuperCell c) {
        List<CellSpace.Block> blocks = c.reduction ? space.reductionCell(arch) : space.normalCell(arch);
        c.path(blocks, out);
      } else {
        for (Pair<String, Parameter> p : child.getValue().getParameters()) {
          out.add(new Source(p.getValue(), null, 0));
        }
      }
    }
    return out;
  }

  /**
   * The input channels of {@code blocks} (each {@code filters} wide) of a 1x1 projection weight,
   * in {@code manager} (slices would otherwise live as long as the weight).
   */
  private static NDArray gather(NDArray weight, int[] blocks, int filters, NDManager manager) {
    NDList parts = new NDList();
    for (int b : blocks) {
      NDArray part = weight.get(new NDIndex(":, {}:{}", b * filters, (b + 1) * filters));
      part.attach(manager);
      parts.add(part);
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
  }

  /** A NASNet cell whose block inputs are mixed ops over every earlier node. */
  private static final class SuperCell extends FixedShapeBlock {
    private final PathState state;
    private final boolean reduction;
    private final int filters;
    private final Block pre0;
    private final Block pre1;
    private final MixedOp[][] edges; // [block][input node]
    private final Shape[] nodes;
    private final Block project; // 1x1 conv over every block's output; forward slices its weight
    private final Parameter projectWeight;
    private final Block norm;
    final Shape output;

    SuperCell(CellSupernet net, Shape prevPrev, Shape prev, int filters, boolean reduction) {
      this.state = net.state;
      this.reduction = reduction;
      this.filters = filters;
      int cell = reduction ? 1 : 0;
      int blocks = net.space.blocks();
      pre0 = child("pre0", NasNetCell.preprocess0(prevPrev, prev, filters), prevPrev);
      pre1 = child("pre1", NasNetCell.preprocess1(prev, filters), prev);
      nodes = new Shape[blocks + 2];
      nodes[0] = new Shape(filters, Ops.height(prev), Ops.width(prev));
      nodes[1] = nodes[0];
      edges = new MixedOp[blocks][];
      List<String> options = options(net.space);
      for (int b = 0; b < blocks; b++) {
        edges[b] = new MixedOp[b + 2];
        for (int from = 0; from < b + 2; from++) {
          int stride = NasNetCell.stride(reduction, from);
          List<Built> cands = new ArrayList<>();
          cands.add(null); // none
          for (String op : net.space.ops()) {
            cands.add(
                op.equals("identity") && stride == 1
                    ? MixedOp.identity(nodes[from])
                    : NasNetCell.op(op, nodes[from], filters, stride));
          }
          Shape out = cands.get(1).output();
          MixedOp m = new MixedOp(state, net.label(cell, b, from), nodes[from], out, options, cands);
          edges[b][from] = child("b" + b + "_from_" + from, m, nodes[from]);
          nodes[b + 2] = out;
        }
      }
      Shape last = nodes[blocks + 1];
      Shape all = new Shape((long) blocks * filters, last.get(1), last.get(2));
      Built p = NasNetCell.projection(all, filters);
      project = child("project", p, all);
      projectWeight = project.getParameters().get("weight");
      norm = child("bn", Ops.batchNorm(p.output()), p.output());
      output = p.output();
      setExampleOutput(output);
    }

    /** Appends the sub-network's parameters for {@code blocks}, in {@link NasNetCell}'s order. */
    void path(List<CellSpace.Block> blocks, List<Source> out) {
      for (Block pre : List.of(pre0, pre1)) {
        for (Pair<String, Parameter> p : pre.getParameters()) {
          out.add(new Source(p.getValue(), null, 0));
        }
      }
      boolean[] consumed = new boolean[blocks.size() + 2];
      for (int b = 0; b < blocks.size(); b++) {
        CellSpace.Block k = blocks.get(b);
        slot(edges[b][k.input1()], k.op1(), out);
        slot(edges[b][k.input2()], k.op2(), out);
        consumed[k.input1()] = true;
        consumed[k.input2()] = true;
      }
      out.add(new Source(projectWeight, unused(consumed), filters));
      for (Pair<String, Parameter> p : norm.getParameters()) {
        out.add(new Source(p.getValue(), null, 0));
      }
    }

    private static void slot(MixedOp edge, String op, List<Source> out) {
      for (MixedOp.Candidate c : edge.candidates()) {
        if (c.name().equals(op) && c.block() != null) {
          for (Pair<String, Parameter> p : c.block().getParameters()) {
            out.add(new Source(p.getValue(), null, 0));
          }
        }
      }
    }

    /** The blocks (0-based) whose nodes nothing consumed, in order. */
    private static int[] unused(boolean[] consumed) {
      List<Integer> out = new ArrayList<>();
      for (int n = 2; n < consumed.length; n++) {
        if (!consumed[n]) {
          out.add(n - 2);
        }
      }
      return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Active candidates other than zero on edge {@code from -> b} (0 under mixing weights). */
    private int activeOps(int b, int from) {
      if (state.weights != null) {
        return 0;
      }
      MixedOp m = edges[b][from];
      boolean[] active = state.active[m.label()];
      int n = 0;
      for (int k = 0; k < active.length; k++) {
        if (active[k] && m.candidates().get(k).kind() != MixedOp.Kind.ZERO) {
          n++;
        }
      }
      return n;
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      int blocks = edges.length;
      NDArray[] values = new NDArray[blocks + 2];
      values[0] = run(pre0, store, inputs.get(0), training);
      values[1] = run(pre1, store, inputs.get(1), training);
      boolean[] consumed = new boolean[blocks + 2];
      for (int b = 0; b < blocks; b++) {
        NDArray sum = null;
        int pairs = 0;
        for (int from = 0; from < b + 2; from++) {
          NDArray v = MixedOp.outputOrNull(edges[b][from].forward(store, new NDList(values[from]), training));
          int n = activeOps(b, from);
          pairs += n;
          consumed[from] |= n > 0;
          if (v != null) {
            sum = sum == null ? v : sum.add(v);
          }
        }
        if (pairs == 1) {
          // both of the block's slots hold this (input, op): the stand-alone block adds it twice
          sum = sum.add(sum);
        }
        values[b + 2] = sum != null ? sum : zeros(values[0], nodes[b + 2]);
      }
      NDArray weight = store.getValue(projectWeight, values[0].getDevice(), training);
      int[] outs;
      if (state.weights != null) {
        outs = new int[blocks]; // DARTS concatenates every block
        for (int b = 0; b < blocks; b++) {
          outs[b] = b;
        }
      } else {
        outs = unused(consumed);
        weight = gather(weight, outs, filters, values[0].getManager());
        boolean[] read = state.partial.computeIfAbsent(projectWeight, k -> new boolean[blocks * filters]);
        for (int b : outs) {
          java.util.Arrays.fill(read, b * filters, (b + 1) * filters, true);
        }
      }
      NDList parts = new NDList();
      for (int b : outs) {
        parts.add(values[b + 2]);
      }
      NDArray concat = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
      NDArray projected = Conv2d.conv2d(concat, weight).singletonOrThrow();
      return new NDList(run(norm, store, projected, training));
    }
  }
}
