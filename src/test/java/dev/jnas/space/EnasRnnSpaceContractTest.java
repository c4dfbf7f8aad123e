package dev.jnas.space;

/** The contract over ENAS's recurrent cell with its default 8 nodes (not enumerable). */
class EnasRnnSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new EnasRnnSpace(EnasRnnSpace.DEFAULT_NODES);
  }
}
