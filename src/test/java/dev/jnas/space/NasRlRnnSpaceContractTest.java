package dev.jnas.space;

/** The contract over NAS-RL's recurrent cell tree with the paper's 8 leaves (not enumerable). */
class NasRlRnnSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new NasRlRnnSpace(NasRlRnnSpace.DEFAULT_BASE);
  }
}
