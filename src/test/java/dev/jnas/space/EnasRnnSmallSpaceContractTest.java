package dev.jnas.space;

/** The contract over a 3-node ENAS recurrent cell (128 cells, enumerated in full). */
class EnasRnnSmallSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("enas-rnn", params("{\"nodes\": 3}"));
  }
}
