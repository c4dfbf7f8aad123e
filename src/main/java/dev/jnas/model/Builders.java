package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;

/** Argument checks shared by the builders. */
final class Builders {
  private Builders() {}

  static void checkArguments(SearchSpace space, Architecture arch, Shape inputShape, int numClasses) {
    space
        .violation(arch)
        .ifPresent(
            v -> {
              throw new BadInputException("cannot build " + arch + ": " + v);
            });
    if (inputShape.dimension() != 3 || inputShape.size() <= 0) {
      throw new BadInputException(
          "input shape must be one example's (channels, height, width), got " + inputShape);
    }
    if (numClasses < 1) {
      throw new BadInputException("number of classes must be >= 1, got " + numClasses);
    }
  }
}
