package dev.jnas.train;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.space.Architecture;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.util.BadInputException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Evaluates a hyperparameter trial: trains the space's fixed architecture with the training
 * evaluator's settings overridden by the trial's values ({@link HyperparameterSettings}), on the
 * evaluator's data and split, so trials differ only in their hyperparameters. A trial's {@code
 * epochs} value, when the space has one, replaces the budget's epochs.
 */
public final class HyperparameterEvaluator implements Evaluator {
  private final HyperparameterSpace space;
  private final HyperparameterSpace.FixedArchitecture fixed;
  private final TrainingEvaluator base;

  /**
   * @param base trains networks of {@code space}'s fixed architecture's space
   * @throws BadInputException when the space has no fixed architecture
   */
  public HyperparameterEvaluator(HyperparameterSpace space, TrainingEvaluator base) {
    this.space = space;
    this.fixed = space.architecture().orElseThrow(() -> new BadInputException(
        "search space " + HyperparameterSpace.NAME + " needs parameter 'architecture' to be trained: {space: ..., string: ...}"));
    this.base = base;
  }

  /** The training evaluator with {@code hp}'s values applied. */
  public TrainingEvaluator evaluatorFor(Architecture hp) {
    return base.withSettings(HyperparameterSettings.apply(space.values(hp), base.settings()));
  }

  @Override
  public TrialResult evaluate(Architecture arch, TrialContext ctx) {
    TrainingEvaluator e;
    Map<String, String> values = space.values(arch);
    try {
      e = evaluatorFor(arch);
    } catch (BadInputException x) {
      return TrialResult.invalid(x.getMessage());
    }
    int epochs = HyperparameterSettings.epochs(values).orElse(ctx.epochs());
    return e.evaluate(fixed.arch(), new TrialContext(ctx.trialId(), ctx.seed(), epochs, ctx.listener(), ctx.checkpointDir()));
  }

  /** Retrains the fixed architecture with {@code hp}'s settings: see {@link TrainingEvaluator#trainFinal}. */
  public TrainedModel trainFinal(Architecture hp, long seed, int epochs, Path saveDir, Path checkpointDir, TrialListener listener) {
    return evaluatorFor(hp).trainFinal(fixed.arch(), seed, epochs, saveDir, checkpointDir, listener);
  }

  @Override
  public void validateSpace(dev.jnas.space.SearchSpace s) {
    if (s != space) {
      throw new BadInputException("a hyperparameter evaluator evaluates the space it was made for");
    }
  }
}
