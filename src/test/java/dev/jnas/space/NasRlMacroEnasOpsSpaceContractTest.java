package dev.jnas.space;

/** The contract over NAS-RL with ENAS's six macro ops (enumerable at three layers). */
class NasRlMacroEnasOpsSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create(
        "nasrl-macro",
        params("{\"layers\": 3, \"ops\": [\"conv3x3\", \"conv5x5\", \"sep3x3\", \"sep5x5\", \"max3x3\", \"avg3x3\"]}"));
  }
}
