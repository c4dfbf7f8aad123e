package dev.jnas.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jnas.evaluate.RewardTransform;
import dev.jnas.util.BadInputException;

/**
 * How a candidate network is trained. JSON/YAML names are snake_case; a missing field takes its
 * default (see {@link #DEFAULTS}).
 *
 * @param epochs epochs when the trial context gives none
 * @param batchSize examples per SGD step
 * @param learningRate initial learning rate (the cosine schedule decays it to 0)
 * @param momentum SGD momentum
 * @param nesterov Nesterov momentum (as PyTorch's SGD(nesterov=True))
 * @param weightDecay L2 penalty added to the gradient (PyTorch convention)
 * @param cosine cosine learning-rate decay over all steps of the run, else constant (the older
 *     form of {@code schedule}, kept equal to {@code schedule == COSINE})
 * @param labelSmoothing share of the target mass spread evenly over all classes
 * @param augment random crop (zero padding) and horizontal flip of training images
 * @param valFraction share of the training set held out for validation (stratified)
 * @param trainSubset train on only this many of the remaining images (0 = all): fast trials
 * @param splitSeed seed of the train/validation split and of the subset; fixed, so every trial
 *     of an experiment is scored on the same validation images
 * @param reward turns the epochs' validation accuracies into the strategy's reward
 * @param evalTest also measure test accuracy after training (off during a search)
 * @param schedule the learning-rate schedule: cosine (default), step or constant
 */
public record TrainingSettings(
    @JsonProperty("epochs") int epochs,
    @JsonProperty("batch_size") int batchSize,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("momentum") double momentum,
    @JsonProperty("nesterov") boolean nesterov,
    @JsonProperty("weight_decay") double weightDecay,
    @JsonProperty("cosine") boolean cosine,
    @JsonProperty("label_smoothing") double labelSmoothing,
    @JsonProperty("augment") boolean augment,
    @JsonProperty("val_fraction") double valFraction,
    @JsonProperty("train_subset") int trainSubset,
    @JsonProperty("split_seed") long splitSeed,
    @JsonProperty("reward") RewardTransform reward,
    @JsonProperty("eval_test") boolean evalTest,
    @JsonProperty("schedule") Schedule schedule) {

  public static final TrainingSettings DEFAULTS =
      new TrainingSettings(
          10, 128, 0.05, 0.9, true, 5e-4, true, 0.0, false, 0.1, 0, 0L, RewardTransform.ACCURACY, false, Schedule.COSINE);

  /** How the learning rate changes over the steps of a run. */
  public enum Schedule {
    /** Cosine decay to 0 over all steps. */
    COSINE,
    /** Divided by 10 after half and again after three quarters of the steps (the classic step schedule). */
    STEP,
    /** The initial rate throughout. */
    CONSTANT;

    /** The config's name: {@code cosine}, {@code step}, {@code constant}. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The schedule named {@code name}, or a BadInputException listing the valid ones. */
    public static Schedule parse(String name) {
      for (Schedule s : values()) {
        if (s.label().equals(name)) {
          return s;
        }
      }
      throw new BadInputException("training.schedule '" + name + "' is unknown (valid: cosine, step, constant)");
    }
  }

  public TrainingSettings {
    if (epochs < 0) {
      throw new BadInputException("training.epochs must be >= 0, got " + epochs);
    }
    if (batchSize <= 0) {
      throw new BadInputException("training.batch_size must be positive, got " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new BadInputException("training.learning_rate must be a positive number, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new BadInputException("training.momentum must be in [0, 1), got " + momentum);
    }
    if (nesterov && momentum == 0) {
      throw new BadInputException("training.nesterov needs a momentum > 0");
    }
    if (!(weightDecay >= 0)) {
      throw new BadInputException("training.weight_decay must be >= 0, got " + weightDecay);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new BadInputException("training.label_smoothing must be in [0, 1), got " + labelSmoothing);
    }
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new BadInputException("training.val_fraction must be in [0, 1), got " + valFraction);
    }
    if (trainSubset < 0) {
      throw new BadInputException("training.train_subset must be >= 0 (0 = all), got " + trainSubset);
    }
    if (reward == null) {
      reward = RewardTransform.ACCURACY;
    }
    if (schedule == null) {
      schedule = cosine ? Schedule.COSINE : Schedule.CONSTANT;
    }
    // 'cosine' is the older form of 'schedule'; kept equal so both read the same
    cosine = schedule == Schedule.COSINE;
  }

  /** The learning rate of each step of a run of {@code totalSteps} steps. */
  public ai.djl.training.tracker.Tracker learningRates(int totalSteps) {
    float lr = (float) learningRate;
    if (totalSteps <= 1 || schedule == Schedule.CONSTANT) {
      return ai.djl.training.tracker.Tracker.fixed(lr);
    }
    if (schedule == Schedule.COSINE) {
      return ai.djl.training.tracker.Tracker.cosine().setBaseValue(lr).optFinalValue(0f).setMaxUpdates(totalSteps).build();
    }
    int half = Math.max(1, totalSteps / 2);
    int threeQuarters = Math.max(half + 1, totalSteps * 3 / 4);
    return ai.djl.training.tracker.Tracker.multiFactor().setBaseValue(lr).setSteps(new int[] {half, threeQuarters}).optFactor(0.1f).build();
  }

  /** A copy with another schedule. */
  public TrainingSettings withSchedule(Schedule s) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, nesterov, weightDecay, s == Schedule.COSINE,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, s);
  }

  /** A copy with another momentum and Nesterov flag (checked together). */
  public TrainingSettings withMomentum(double m, boolean n) {
    return new TrainingSettings(epochs, batchSize, learningRate, m, n, weightDecay, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  /** A copy with another weight decay. */
  public TrainingSettings withWeightDecay(double w) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, nesterov, w, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  /** Jackson's entry: absent fields take the defaults; {@code reward} is parsed leniently. */
  @JsonCreator
  static TrainingSettings fromJson(
      @JsonProperty("epochs") Integer epochs,
      @JsonProperty("batch_size") Integer batchSize,
      @JsonProperty("learning_rate") Double learningRate,
      @JsonProperty("momentum") Double momentum,
      @JsonProperty("nesterov") Boolean nesterov,
      @JsonProperty("weight_decay") Double weightDecay,
      @JsonProperty("cosine") Boolean cosine,
      @JsonProperty("label_smoothing") Double labelSmoothing,
      @JsonProperty("augment") Boolean augment,
      @JsonProperty("val_fraction") Double valFraction,
      @JsonProperty("train_subset") Integer trainSubset,
      @JsonProperty("split_seed") Long splitSeed,
      @JsonProperty("reward") String reward,
      @JsonProperty("eval_test") Boolean evalTest,
      @JsonProperty("schedule") String schedule) {
    TrainingSettings d = DEFAULTS;
    Schedule sch = schedule == null ? null : Schedule.parse(schedule);
    if (sch != null && cosine != null && cosine != (sch == Schedule.COSINE)) {
      throw new BadInputException(
          "training.cosine: " + cosine + " and training.schedule: " + schedule + " disagree; give schedule only");
    }
    return new TrainingSettings(
        epochs != null ? epochs : d.epochs,
        batchSize != null ? batchSize : d.batchSize,
        learningRate != null ? learningRate : d.learningRate,
        momentum != null ? momentum : d.momentum,
        nesterov != null ? nesterov : d.nesterov,
        weightDecay != null ? weightDecay : d.weightDecay,
        cosine != null ? cosine : d.cosine,
        labelSmoothing != null ? labelSmoothing : d.labelSmoothing,
        augment != null ? augment : d.augment,
        valFraction != null ? valFraction : d.valFraction,
        trainSubset != null ? trainSubset : d.trainSubset,
        splitSeed != null ? splitSeed : d.splitSeed,
        reward != null ? RewardTransform.parse(reward) : d.reward,
        evalTest != null ? evalTest : d.evalTest,
        sch != null ? sch : cosine == null || cosine ? Schedule.COSINE : Schedule.CONSTANT);
  }

  public TrainingSettings withEpochs(int e) {
    return new TrainingSettings(e, batchSize, learningRate, momentum, nesterov, weightDecay, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  public TrainingSettings withLearningRate(double lr) {
    return new TrainingSettings(epochs, batchSize, lr, momentum, nesterov, weightDecay, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  public TrainingSettings withBatchSize(int b) {
    return new TrainingSettings(epochs, b, learningRate, momentum, nesterov, weightDecay, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  public TrainingSettings withTrainSubset(int n) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, nesterov, weightDecay, cosine,
        labelSmoothing, augment, valFraction, n, splitSeed, reward, evalTest, schedule);
  }

  public TrainingSettings withEvalTest(boolean t) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, nesterov, weightDecay, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, t, schedule);
  }

  public TrainingSettings withNesterov(boolean n) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, n, weightDecay, cosine,
        labelSmoothing, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  public TrainingSettings withLabelSmoothing(double s) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, nesterov, weightDecay, cosine,
        s, augment, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }

  public TrainingSettings withAugment(boolean a) {
    return new TrainingSettings(epochs, batchSize, learningRate, momentum, nesterov, weightDecay, cosine,
        labelSmoothing, a, valFraction, trainSubset, splitSeed, reward, evalTest, schedule);
  }
}
