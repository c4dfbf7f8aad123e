package dev.jnas.space;

/** The contract over NAS-RL searching strides. */
class NasRlMacroStridesSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("nasrl-macro", params("{\"strides\": true}"));
  }
}
