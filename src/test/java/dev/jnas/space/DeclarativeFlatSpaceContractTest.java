package dev.jnas.space;

/** The space contract on a declarative space without conditions: every change is one neighbour. */
class DeclarativeFlatSpaceContractTest extends SearchSpaceContract {
  @Override
  protected SearchSpace space() {
    return DeclarativeSpaces.of("""
        decisions:
          - {name: kernel, options: [3, 5, 7]}
          - {name: act, options: [relu, gelu]}
          - {name: lr, options: [0.1, 0.01, 1e-3]}
        """);
  }
}
