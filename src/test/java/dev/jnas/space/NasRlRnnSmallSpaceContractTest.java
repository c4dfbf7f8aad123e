package dev.jnas.space;

/** The contract over NAS-RL's recurrent cell tree with 2 leaves (the paper's Figure 5; 16,384 cells, enumerable). */
class NasRlRnnSmallSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("nasrl-rnn", params("{\"base\": 2}"));
  }
}
