package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.NasBench201Space;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAS-Bench-201's cell: node 0 is the input, node i sums op(node j) over j &lt; i, node 3 is the
 * output. Edges with {@code none} are not computed at all; a node whose inputs are all {@code
 * none} outputs zeros, and pooling or skip edges from it are not computed either; a convolution
 * edge from it computes only its batch norm (of zeros: the convolution of zeros is zeros). The
 * convolution edges leaving one node share that node's ReLU. Channels and spatial size are
 * preserved.
 */
public final class NasBench201Cell extends FixedShapeBlock implements OnnxExportable {
  private final String[] ops = new String[6];
  // The child computing each edge; null for none and skip_connect, which need no parameters.
  private final Block[] edges = new Block[6];
  // Edges that map zeros to zeros without a parameter (pooling, skip): from a node of zeros they
  // add exactly nothing (x + 0 is x), so the forward pass leaves them out.
  private final boolean[] zeroFromZeros = new boolean[6];
  // Convolution edges (ReLU, convolution without bias, batch norm): from a node of zeros the ReLU
  // and the convolution give zeros again, so the edge is its batch norm of that node, computed
  // without them (same output, gradients and running statistics); null for other edges.
  private final Block[] normOfConv = new Block[6];
  // The ReLU and the convolution of each convolution edge, run apart so that the edges leaving one
  // node share its ReLU: NAS-Bench-201's ReLUConvBN applies it per edge, to the same values.
  private final Block[] reluOfConv = new Block[6];
  private final Block[] convOfConv = new Block[6];
  private final long flops;

  /**
   * @param edgeOps the six edge ops in {@link NasBench201Space#edgeIndex} order
   * @param input per-example input shape {@code (C, H, W)}
   */
  public NasBench201Cell(List<String> edgeOps, Shape input) {
    long total = 0;
    for (int to = 1; to < NasBench201Space.NODES; to++) {
      for (int from = 0; from < to; from++) {
        int e = NasBench201Space.edgeIndex(to, from);
        String op = edgeOps.get(e);
        ops[e] = op;
        zeroFromZeros[e] = op.equals("skip_connect") || op.equals("avg_pool_3x3");
        Built b = candidate(op, input);
        if (b != null && b.block() != null) {
          edges[e] = child("edge_" + to + "_" + from, b, input);
          total += b.flops();
          if (op.startsWith("nor_conv")) {
            BlockList parts = edges[e].getChildren(); // Ops.reluConvBn: ReLU, convolution, batch norm
            reluOfConv[e] = parts.get(0).getValue();
            convOfConv[e] = parts.get(1).getValue();
            normOfConv[e] = parts.get(parts.size() - 1).getValue();
            if (!(normOfConv[e] instanceof BatchNorm2d)) {
              throw new IllegalStateException("a convolution edge must end in its batch norm, got " + normOfConv[e]);
            }
          }
        }
      }
    }
    this.flops = total;
    setExampleOutput(input);
  }

  /**
   * Edge op {@code op} for a per-example shape: null for {@code none}, a block-less {@link Built}
   * for {@code skip_connect} (the supernet's candidates are the same).
   */
  static Built candidate(String op, Shape input) {
    return switch (op) {
      case "none" -> null;
      case "skip_connect" -> MixedOp.identity(input);
      case "nor_conv_1x1" -> Ops.reluConvBn(input, Ops.channels(input), 1, 1);
      case "nor_conv_3x3" -> Ops.reluConvBn(input, Ops.channels(input), 3, 1);
      case "avg_pool_3x3" -> Ops.avgPool3(input, 1);
      default -> throw new IllegalArgumentException("unknown NAS-Bench-201 op " + op);
    };
  }

  /** Multiply-adds of one example through this cell. */
  public long flops() {
    return flops;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Map<NDArray, NDArray> reluOfNode = new IdentityHashMap<>();
    return new NDList(nodes(inputs.singletonOrThrow(), (e, x, zero) -> {
      if (ops[e].equals("none") || zero && zeroFromZeros[e]) {
        return null;
      }
      if (zero && normOfConv[e] != null) {
        return run(normOfConv[e], store, x, training); // x: zeros of the convolution's output shape
      }
      if (convOfConv[e] != null) {
        // one ReLU per node for all its convolution edges (one operator fewer each way per extra edge)
        NDArray r = reluOfNode.get(x);
        if (r == null) {
          r = run(reluOfConv[e], store, x, training);
          reluOfNode.put(x, r);
        }
        return run(normOfConv[e], store, run(convOfConv[e], store, r, training), training);
      }
      return edges[e] == null ? x : run(edges[e], store, x, training);
    }));
  }

  /** One edge's output for its input node, or null when the edge computes nothing. */
  interface Edge {
    /** @param zero whether {@code input} is a node of zeros (all its incoming edges were null) */
    NDArray apply(int edge, NDArray input, boolean zero);
  }

  /**
   * The cell's output: node i sums its incoming edges' outputs in order of their source; a node
   * with none outputs zeros (shared with the supernet's cell, so both sum in the same order).
   */
  static NDArray nodes(NDArray input, Edge edge) {
    NDArray[] nodes = new NDArray[NasBench201Space.NODES];
    boolean[] zero = new boolean[NasBench201Space.NODES];
    nodes[0] = input;
    for (int to = 1; to < NasBench201Space.NODES; to++) {
      NDArray sum = null;
      for (int from = 0; from < to; from++) {
        NDArray v = edge.apply(NasBench201Space.edgeIndex(to, from), nodes[from], zero[from]);
        if (v != null) {
          sum = sum == null ? v : sum.add(v);
        }
      }
      zero[to] = sum == null;
      nodes[to] = sum == null ? FixedShapeBlock.zerosLike(nodes[0]) : sum;
    }
    return nodes[NasBench201Space.NODES - 1];
  }

  /** The same node sums as {@link #nodes}, in the same order. */
  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    String[] nodes = new String[NasBench201Space.NODES];
    nodes[0] = inputs.get(0);
    for (int to = 1; to < NasBench201Space.NODES; to++) {
      String sum = null;
      for (int from = 0; from < to; from++) {
        int e = NasBench201Space.edgeIndex(to, from);
        if (ops[e].equals("none")) {
          continue;
        }
        String v = edges[e] == null ? nodes[from] : o.emit(edges[e], nodes[from]);
        sum = sum == null ? v : o.add(sum, v);
      }
      nodes[to] = sum == null ? o.zerosLike(nodes[0]) : sum;
    }
    return List.of(nodes[NasBench201Space.NODES - 1]);
  }
}
