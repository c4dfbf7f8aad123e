package dev.jnas.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A block whose architecture and input size are known when it is constructed, so every child's
 * per-example input shape is recorded as the child is added; initialization replays them with the
 * batch size prepended, and the output shape is likewise fixed.
 */
abstract class FixedShapeBlock extends AbstractBlock {
  private final List<Shape[]> childInputs = new ArrayList<>();
  private Shape exampleOutput;

  /** Adds a child that will receive inputs of per-example shapes {@code exampleInputs}. */
  protected final <B extends Block> B child(String name, B block, Shape... exampleInputs) {
    addChildBlock(name, block);
    childInputs.add(exampleInputs.clone());
    return block;
  }

  /** Adds {@code built} as a child fed with {@code exampleInputs}; returns its block. */
  protected final Block child(String name, Built built, Shape... exampleInputs) {
    return child(name, built.block(), exampleInputs);
  }

  /** DJL's test (input shapes known, every parameter of the subtree set) without its renamed copy of the subtree's parameter list ({@link Chain}). */
  @Override
  public boolean isInitialized() {
    return inputShapes != null && Chain.parametersInitialized(this);
  }

  protected final void setExampleOutput(Shape exampleOutput) {
    this.exampleOutput = exampleOutput;
  }

  static Shape batched(long batch, Shape example) {
    return new Shape(batch).addAll(example);
  }

  /** Zeros of per-example shape {@code example} for the batch, type and device of {@code like}. */
  static NDArray zeros(NDArray like, Shape example) {
    return activationZeros(like, batched(like.getShape().get(0), example));
  }

  /** Zeros of {@code x}'s shape, type and device (see {@link #activationZeros}). */
  static NDArray zerosLike(NDArray x) {
    return activationZeros(x, x.getShape());
  }

  /**
   * Zeros of {@code shape} with {@code like}'s type and device, in the layout jnas's activations
   * have there: on the CPU a 4-D {@code (N, C, H, W)} array is channels-last (its memory in NHWC
   * order, as {@link dev.jnas.data.BatchLoader.HostBatch#images} makes the input), elsewhere
   * contiguous. DJL's {@code zeros} and {@code zerosLike} (and libtorch's {@code zeros_like}
   * through DJL) allocate NCHW on the CPU too, and a convolution from such zeros ran oneDNN's NCHW
   * path, reordering its input and output on every call, with batch norm and the node sums behind
   * it mixing layouts.
   */
  private static NDArray activationZeros(NDArray like, Shape shape) {
    NDManager m = like.getManager();
    if (shape.dimension() != 4 || like.getDevice().isGpu()) {
      return m.zeros(shape, like.getDataType(), like.getDevice());
    }
    Shape nhwc = new Shape(shape.get(0), shape.get(2), shape.get(3), shape.get(1));
    return m.zeros(nhwc, like.getDataType(), like.getDevice()).transpose(0, 3, 1, 2);
  }

  /** Runs a single-input child. */
  protected static NDArray run(Block block, ParameterStore store, NDArray x, boolean training) {
    return block.forward(store, new NDList(x), training).singletonOrThrow();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long batch = inputShapes[0].get(0);
    int i = 0;
    for (Block b : children.values()) {
      Shape[] example = childInputs.get(i++);
      Shape[] shapes = new Shape[example.length];
      for (int k = 0; k < example.length; k++) {
        shapes[k] = batched(batch, example[k]);
      }
      b.initialize(manager, dataType, shapes);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {batched(inputShapes[0].get(0), exampleOutput)};
  }
}
