package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.space.Architecture;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.LayerGraph;
import dev.jnas.util.BadInputException;

/** The network of a {@link GraphSpace} architecture: its layer graph as a {@link GraphNetwork}. */
public final class GraphBuilder implements ModelBuilder {
  private final GraphSpace space;

  public GraphBuilder(GraphSpace space) {
    this.space = space;
  }

  @Override
  public Block build(Architecture arch, Shape inputShape, int numClasses) {
    return new GraphNetwork(space.graph(arch), inputShape, numClasses);
  }

  @Override
  public long flops(Architecture arch, Shape inputShape, int numClasses) {
    return GraphNetwork.flops(space.graph(arch), shape(inputShape), numClasses);
  }

  private static LayerGraph.Shape shape(Shape s) {
    return new LayerGraph.Shape((int) s.get(0), (int) s.get(1), (int) s.get(2));
  }

  /** The data's images must have the shape the space grows its networks for. */
  @Override
  public void validate(Shape inputShape, int numClasses) {
    LayerGraph.Shape data = shape(inputShape);
    if (!data.equals(space.input())) {
      throw new BadInputException(
          "search space graph grows networks for images of " + shape(space.input()) + " (space.params.input), but the"
              + " data's images are " + shape(data) + ": set space.params.input to [" + data.channels() + ", "
              + data.height() + ", " + data.width() + "]");
    }
  }

  private static String shape(LayerGraph.Shape s) {
    return s.channels() + "x" + s.height() + "x" + s.width();
  }
}
