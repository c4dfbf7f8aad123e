package dev.jnas.store;

class InMemoryTrialStoreTest extends TrialStoreContract {
  @Override
  protected TrialStore newStore() {
    return new InMemoryTrialStore();
  }

  @Override
  protected TrialStore reopen(TrialStore s) {
    return s;
  }
}
