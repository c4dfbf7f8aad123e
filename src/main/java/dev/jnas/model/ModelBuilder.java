package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.space.Architecture;

/** Turns an architecture of one trainable space into a DJL network (like DJL's BlockFactory). */
public interface ModelBuilder {

  /**
   * An uninitialised network mapping a batch {@code (N, C, H, W)} to logits {@code (N,
   * numClasses)}.
   *
   * @param inputShape one example's shape {@code (C, H, W)}
   */
  Block build(Architecture arch, Shape inputShape, int numClasses);

  /** Multiply-adds of one forward pass of one example (convolutions and dense layers). */
  long flops(Architecture arch, Shape inputShape, int numClasses);

  /**
   * Checks, before any trial, that the space's architectures build for examples of {@code
   * inputShape} (the data is known by then); the default checks nothing.
   *
   * @throws dev.jnas.util.BadInputException naming an architecture and layer that cannot be built
   */
  default void validate(Shape inputShape, int numClasses) {}
}
