package dev.jnas.space;

/** The contract over a tiny NAS-RL space with one of ENAS's macro ops (single-option decisions). */
class NasRlMacroEnasOpsSmallSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("nasrl-macro", params("{\"layers\": 2, \"ops\": [\"max3x3\"], \"filters\": [4]}"));
  }
}
