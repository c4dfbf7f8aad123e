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
}
