package dev.jnas.space;

/** The contract over the PNAS cell space (8 ops). */
class CellPnasSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return SearchSpaces.create("cell", params("{\"preset\": \"pnas\"}"));
  }
}
