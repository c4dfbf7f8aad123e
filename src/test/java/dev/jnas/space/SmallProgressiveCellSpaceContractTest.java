package dev.jnas.space;

import java.util.List;

/**
 * The contract over a progressive space small enough to enumerate (592 cells), so that its exact
 * {@link CellSpace#size()} is checked against the enumeration.
 */
class SmallProgressiveCellSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new CellSpace(2, List.of("identity", "avg_pool_3x3"), 1, 4, 2, true, true);
  }

  @Override
  protected boolean unconstrained() {
    return false;
  }
}
