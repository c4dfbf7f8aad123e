package dev.jnas.space;

/** The contract over NAS-Bench-201 with the benchmark sizes. */
class NasBench201SpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new NasBench201Space();
  }
}
