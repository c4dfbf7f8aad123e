package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.CellSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;

/** The supernet of each built-in trainable space. */
public final class Supernets {
  private Supernets() {}

  /** Names of the spaces that have a supernet, for messages. */
  public static final String SUPPORTED = "nasbench201, cell, nasrl-macro (with ENAS's macro ops), resnet50-scope";

  /**
   * An uninitialised supernet of {@code space} for examples of {@code inputShape}.
   *
   * @throws BadInputException when the space has no supernet (one-shot search needs one)
   */
  public static Supernet create(SearchSpace space, Shape inputShape, int numClasses) {
    if (space instanceof NasBench201Space s) {
      return new NasBench201Supernet(s, inputShape, numClasses);
    }
    if (space instanceof ResNetScopeSpace s) {
      return new ResNetScopeSupernet(s, inputShape, numClasses);
    }
    if (space instanceof CellSpace s) {
      if (s.sharedCell()) {
        throw new BadInputException(
            "search space 'cell' with a shared cell (shared_cell or progressive) has no supernet: one-shot strategies"
                + " search separate normal and reduction cells; leave out shared_cell and progressive");
      }
      return new CellSupernet(s, inputShape, numClasses);
    }
    if (space instanceof NasRlMacroSpace s) {
      return new NasRlMacroSupernet(s, inputShape, numClasses); // throws for the filter-size layers
    }
    throw new BadInputException(
        "search space '" + space.name() + "' has no supernet: one-shot strategies (enas, darts, proxyless) search "
            + SUPPORTED);
  }
}
