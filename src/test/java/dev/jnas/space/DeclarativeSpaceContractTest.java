package dev.jnas.space;

/** The space contract on a declarative space with chained conditional decisions. */
class DeclarativeSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return DeclarativeSpaces.conditional();
  }

  @Override
  protected boolean unconstrained() {
    return false;
  }
}
