package dev.jnas.space;

/** The contract over a shared cell of fixed size (PNAS's shared cell without its levels). */
class SharedCellSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new CellSpace(2, CellSpace.ENAS_OPS, 1, 4, 2, true, false);
  }
}
