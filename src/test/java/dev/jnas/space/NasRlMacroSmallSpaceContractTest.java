package dev.jnas.space;

/** The contract over a tiny NAS-RL space (single-option decisions included). */
class NasRlMacroSmallSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("nasrl-macro", params("{\"layers\": 2, \"filter_sizes\": [3], \"filters\": [4, 8], \"strides\": true}"));
  }
}
