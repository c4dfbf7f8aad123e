package dev.jnas.space;

/** The contract over the ENAS cell space (5 blocks, 5 ops). */
class CellSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new CellSpace();
  }
}
