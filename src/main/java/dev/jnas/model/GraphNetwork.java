package dev.jnas.model;

import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxExportable;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.jnas.space.LayerGraph;
import dev.jnas.space.LayerGraph.Layer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network a {@link LayerGraph} describes: its layers, then global average pooling and a
 * linear classifier. Its parameters have stable names derived from the layer ids ({@code
 * <id>.weight}, {@code .gamma}, {@code .beta}, {@code .mean}, {@code .var}; {@code head.weight},
 * {@code head.bias}), so a morphed child can take its parent's weights by name.
 */
public final class GraphNetwork extends FixedShapeBlock implements OnnxExportable {
  /** Name prefix of the classifier's parameters. */
  public static final String HEAD = "head";

  private final LayerGraph graph;
  private final Map<String, Block> convs = new HashMap<>();
  private final Map<String, Block> norms = new HashMap<>();
  private final Block pool;
  private final Block head;
  private final long flops;

  /**
   * @param graph the layers
   * @param input per-example input shape {@code (C, H, W)}
   * @param classes outputs of the classifier
   */
  public GraphNetwork(LayerGraph graph, Shape input, int classes) {
    this.graph = graph;
    Map<String, LayerGraph.Shape> shapes =
        graph.shapes(new LayerGraph.Shape((int) input.get(0), (int) input.get(1), (int) input.get(2)));
    long total = 0;
    for (Layer l : graph.layers()) {
      if (l.kind() == LayerGraph.Kind.CONV) {
        Shape in = shape(shapes.get(l.inputs().get(0)));
        Built c = Ops.conv(in, l.filters(), l.kernel(), 1);
        convs.put(l.id(), child(l.id() + "_conv", c, in));
        norms.put(l.id(), child(l.id() + "_bn", Ops.batchNorm(c.output()), c.output()));
        total += c.flops();
      }
    }
    Shape last = shape(shapes.get(graph.output().id()));
    Built g = Ops.globalAvgPool(last);
    pool = child("pool", g, last);
    Built h = Ops.linear(g.output(), classes);
    head = child(HEAD, h, new Shape(last.get(0)));
    this.flops = total + h.flops();
    setExampleOutput(new Shape(classes));
  }

  private static Shape shape(LayerGraph.Shape s) {
    return new Shape(s.channels(), s.height(), s.width());
  }

  /** The graph this network computes. */
  public LayerGraph graph() {
    return graph;
  }

  /**
   * Trainable parameters of the network {@code graph} describes, without building it (what
   * training counts: convolution weights, batch-norm scale and shift, the classifier's weights
   * and bias), so a search can rank children by size before training them.
   */
  public static long parameterCount(LayerGraph graph, LayerGraph.Shape input, int classes) {
    Map<String, LayerGraph.Shape> shapes = graph.shapes(input);
    long n = 0;
    for (Layer l : graph.layers()) {
      if (l.kind() == LayerGraph.Kind.CONV) {
        long in = shapes.get(l.inputs().get(0)).channels();
        n += (long) l.kernel() * l.kernel() * in * l.filters() + 2L * l.filters();
      }
    }
    long last = shapes.get(graph.output().id()).channels();
    return n + last * classes + classes;
  }

  /** {@link #flops()} of the network {@code graph} describes, without building it. */
  public static long flops(LayerGraph graph, LayerGraph.Shape input, int classes) {
    Map<String, LayerGraph.Shape> shapes = graph.shapes(input);
    long n = 0;
    for (Layer l : graph.layers()) {
      if (l.kind() == LayerGraph.Kind.CONV) {
        LayerGraph.Shape out = shapes.get(l.id());
        n += (long) l.kernel() * l.kernel() * shapes.get(l.inputs().get(0)).channels() * l.filters() * out.height() * out.width();
      }
    }
    return n + (long) shapes.get(graph.output().id()).channels() * classes;
  }

  /** Multiply-adds of one example. */
  public long flops() {
    return flops;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Map<String, NDArray> out = new HashMap<>();
    out.put(LayerGraph.INPUT, inputs.singletonOrThrow());
    for (Layer l : graph.layers()) {
      NDArray first = out.get(l.inputs().get(0));
      NDArray y =
          switch (l.kind()) {
            case CONV -> Activation.relu(run(norms.get(l.id()), store, run(convs.get(l.id()), store, first, training), training));
            case POOL -> Pool.maxPool2d(first, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            case ADD -> {
              NDArray sum = first;
              for (String in : l.inputs().subList(1, l.inputs().size())) {
                sum = sum.add(out.get(in));
              }
              yield sum;
            }
            case CONCAT -> {
              NDList parts = new NDList();
              l.inputs().forEach(in -> parts.add(out.get(in)));
              yield NDArrays.concat(parts, 1);
            }
          };
      out.put(l.id(), y);
    }
    NDArray x = out.get(graph.output().id());
    return head.forward(store, new NDList(run(pool, store, x, training)), training);
  }

  @Override
  public List<String> toOnnx(OnnxBlocks o, List<String> inputs) {
    Map<String, String> out = new HashMap<>();
    out.put(LayerGraph.INPUT, inputs.get(0));
    for (Layer l : graph.layers()) {
      String first = out.get(l.inputs().get(0));
      String y =
          switch (l.kind()) {
            case CONV -> o.relu(o.emit(norms.get(l.id()), o.emit(convs.get(l.id()), first)));
            case POOL -> o.maxPool(first, 2, 2, 0, false);
            case ADD -> {
              String sum = first;
              for (String in : l.inputs().subList(1, l.inputs().size())) {
                sum = o.add(sum, out.get(in));
              }
              yield sum;
            }
            case CONCAT -> o.concat(l.inputs().stream().map(out::get).toList(), 1);
          };
      out.put(l.id(), y);
    }
    return List.of(o.emit(head, o.emit(pool, out.get(graph.output().id()))));
  }

  /**
   * The parameters by stable name, in layer order then the head; a convolution's batch norm
   * contributes its running statistics too, which are part of the function in inference.
   */
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> p = new LinkedHashMap<>();
    for (Layer l : graph.layers()) {
      if (l.kind() == LayerGraph.Kind.CONV) {
        p.put(l.id() + ".weight", convs.get(l.id()).getParameters().get("weight"));
        PairList<String, Parameter> bn = norms.get(l.id()).getParameters();
        p.put(l.id() + ".gamma", bn.get("gamma"));
        p.put(l.id() + ".beta", bn.get("beta"));
        p.put(l.id() + ".mean", bn.get("runningMean"));
        p.put(l.id() + ".var", bn.get("runningVar"));
      }
    }
    PairList<String, Parameter> h = head.getParameters();
    p.put(HEAD + ".weight", h.get("weight"));
    p.put(HEAD + ".bias", h.get("bias"));
    return p;
  }

  /** Copies of the (initialized) parameters' values, attached to {@code manager}. */
  public Map<String, NDArray> weights(NDManager manager) {
    Map<String, NDArray> w = new LinkedHashMap<>();
    namedParameters().forEach((name, p) -> {
      NDArray copy = p.getArray().duplicate();
      copy.attach(manager);
      w.put(name, copy);
    });
    return w;
  }

  /**
   * Sets every parameter of this initialized network from {@code weights}.
   *
   * @throws IllegalArgumentException naming a parameter that is missing or of another shape
   */
  public void load(Map<String, NDArray> weights) {
    List<String> problems = new ArrayList<>();
    namedParameters().forEach((name, p) -> {
      NDArray v = weights.get(name);
      if (v == null) {
        problems.add(name + " missing");
      } else if (!v.getShape().equals(p.getArray().getShape())) {
        problems.add(name + " has shape " + v.getShape() + ", the network needs " + p.getArray().getShape());
      } else {
        p.getArray().set(v.toByteBuffer());
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot load weights into " + graph + ": " + String.join("; ", problems));
    }
  }
}
