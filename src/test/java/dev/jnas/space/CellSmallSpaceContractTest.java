package dev.jnas.space;

/** The contract over a one-block cell space. */
class CellSmallSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("cell", params("{\"blocks\": 1, \"ops\": [\"identity\", \"avg_pool_3x3\"]}"));
  }
}
