package dev.jnas.space;

/** The contract over the default scope {@code s}: the deepest stage's three search blocks (216 networks). */
class ResNetScopeSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("resnet50-scope", null);
  }
}
