package dev.jnas.space;

/** The contract over the full scope {@code f}: all sixteen bottlenecks search (6^16 networks, not enumerable). */
class ResNetScopeFullSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("resnet50-scope", params("{\"scope\": \"f\"}"));
  }
}
