package dev.jnas.experiment;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.space.Architecture;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;

/**
 * Where an experiment's trials run: in this process (the default, {@link #local}) or on the
 * workers of a cluster. The experiment loop asks for no more trials than {@link #slots()} allows
 * and calls {@link #evaluate} from its own threads, one call per trial in flight.
 */
public interface TrialExecutor extends AutoCloseable {

  /** Trials that may run at once now; may change while the experiment runs (workers join, leave). */
  int slots();

  /**
   * Evaluates one trial and returns its result; blocks until it is known. An executor that runs
   * trials elsewhere reports the trial's epochs to {@code context.listener()} as they arrive and
   * asks {@code context.pruning()} after each, as a local evaluator does.
   */
  TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context);

  /**
   * {@link #evaluate(TrialRecord, Architecture, TrialContext)} on the strategy's planned slot
   * ({@link dev.jnas.strategy.SlotPlanner}; -1: none), which an executor with workers of different
   * speeds honours when it can. The default ignores it.
   */
  default TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context, int slot) {
    return evaluate(trial, arch, context);
  }

  /** Whether {@link #slots()} can change during a run (the loop then re-checks it while it waits). */
  default boolean dynamic() {
    return false;
  }

  @Override
  default void close() {}

  /** The experiment's own evaluator on {@code concurrency} threads of this process. */
  static TrialExecutor local(Evaluator evaluator, int concurrency) {
    return new TrialExecutor() {
      @Override
      public int slots() {
        return concurrency;
      }

      @Override
      public TrialResult evaluate(TrialRecord trial, Architecture arch, TrialContext context) {
        return evaluator.evaluate(arch, context);
      }
    };
  }

  /**
   * Makes an executor for one run of an experiment.
   */
  @FunctionalInterface
  interface Factory {
    /**
     * @param run what identifies the experiment and lets another process build its evaluator
     * @param local the experiment's evaluator in this process
     * @param store the experiment's store (only this process writes it)
     */
    TrialExecutor create(Run run, Evaluator local, TrialStore store);
  }

  /**
   * One run of an experiment as a remote worker needs it.
   *
   * @param key identifies the experiment across restarts of its process: {@code name@createdMillis}
   * @param configJson the stored config (its paths absolute), from which a worker builds the evaluator
   * @param epochs epochs per trial
   */
  record Run(String key, String configJson, int epochs) {}
}
