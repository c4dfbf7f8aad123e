package dev.jnas.space;

/** The contract over NAS-RL with defaults (6 layers, no strides). */
class NasRlMacroSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return new NasRlMacroSpace();
  }
}
