package dev.jnas.space;

/** The contract over a small NAS-Bench-201 network (same cell decisions). */
class NasBench201SmallSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("nasbench201", params("{\"cells_per_stage\": 1, \"channels\": 4}"));
  }
}
