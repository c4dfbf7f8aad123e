package dev.jnas.api;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.DatasetConfig;
import dev.jnas.data.ImageDataset;
import dev.jnas.data.Datasets;
import dev.jnas.data.TrainTestData;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.experiment.FinalTuner;
import dev.jnas.experiment.OneShotRunner;
import dev.jnas.model.ModelBuilder;
import dev.jnas.oneshot.LatencyTable;
import dev.jnas.oneshot.OneShotStrategy;
import dev.jnas.oneshot.SupernetSearch;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.train.HyperparameterEvaluator;
import dev.jnas.train.HyperparameterSettings;
import dev.jnas.train.SpaceSpec;
import dev.jnas.train.TrainedModel;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.train.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Wires the training evaluator (DJL) from a config. */
final class Training {
  private Training() {}

  /** evaluator: {type: training, training: {...}} plus the fields of a {@link DatasetConfig}. */
  record TrainingConfig(String type, TrainingSettings training) {}

  static Components create(ExperimentConfig config, Evaluators.Given given) {
    // the dataset's fields bind to the data package's record, the rest here
    ObjectNode evaluatorNode = (ObjectNode) config.evaluator();
    TrainingConfig t = Evaluators.read(evaluatorNode.deepCopy().retain("type", "training"), TrainingConfig.class);
    DatasetConfig datasetConfig =
        Evaluators.read(evaluatorNode.deepCopy().without(List.of("type", "training", "task")), DatasetConfig.class);
    SearchSpace space = Evaluators.space(config, given);
    if (dev.jnas.lm.RecurrentCells.isRecurrent(space)) {
      throw dev.jnas.util.ConfigException.invalid(
          "evaluator.task", "is image-classification, but space " + config.spaceName() + " holds recurrent cells: set task: "
              + LanguageModelling.TASK + " with data_dir (train.txt, valid.txt, test.txt) or text (one file)");
    }
    // a hyperparameter search trains one architecture of another space: that space's network
    HyperparameterSpace hp = space instanceof HyperparameterSpace h ? h : null;
    if (hp != null && hp.architecture().isEmpty()) {
      throw dev.jnas.util.ConfigException.invalid(
          "space.params.architecture", "is missing: a hyperparameter search with a training evaluator trains one"
              + " architecture, {space: <its space>, string: <its canonical string>}");
    }
    SearchSpace netSpace = hp != null ? hp.architecture().get().space() : space;
    JsonNode netSection = hp != null ? hp.architecture().get().section() : config.space();
    ModelBuilder builder = Evaluators.model(config, netSpace, given);
    // relative paths start in the config file's folder
    TrainTestData data = Datasets.load(datasetConfig, config.baseDir() == null ? null : Path.of(config.baseDir()));
    ImageDataset images = data.train();
    try {
      builder.validate(new Shape(images.channels(), images.height(), images.width()), images.numClasses());
    } catch (dev.jnas.util.BadInputException e) {
      throw dev.jnas.util.ConfigException.within("model", e);
    }
    TrainingSettings settings = t.training() == null ? TrainingSettings.DEFAULTS : t.training();
    TrainingEvaluator evaluator =
        new TrainingEvaluator(builder, data.train(), data.test(), settings, new SpaceSpec(netSpace, netSection, config.model()));
    HyperparameterEvaluator hpEvaluator = null;
    if (hp != null) {
      try {
        HyperparameterSettings.check(hp, settings);
      } catch (dev.jnas.util.ConfigException e) {
        throw e.under("space.params");
      }
      hpEvaluator = new HyperparameterEvaluator(hp, evaluator);
    }
    var strategy = Evaluators.strategy(config, space, given);
    HyperparameterEvaluator hpe = hpEvaluator;
    dev.jnas.experiment.SearchLoop loop = null;
    if (strategy instanceof OneShotStrategy os) {
      loop = oneShot(config, space, os, evaluator, settings);
    } else if (strategy instanceof dev.jnas.morph.MorphismStrategy ms) {
      loop = morphismSearch(config, space, ms, evaluator);
    }
    dev.jnas.morph.MorphismSearch morphs = loop instanceof dev.jnas.morph.MorphismSearch ms ? ms : null;
    boolean inherit = morphs != null && (config.finalTraining() == null || !Boolean.FALSE.equals(config.finalTraining().inherit()));
    FinalTrainer finalTrainer =
        (arch, seed, epochs, dir, checkpoints, listener) -> {
          TrainedModel m = hpe != null
              ? hpe.trainFinal(arch, seed, epochs, dir, checkpoints, forward(listener))
              : inherit
                  // NASH: the best network trains on from its weights
                  ? evaluator.trainFinal(arch, seed, epochs, dir, checkpoints, forward(listener), morphs.inheritance(arch))
                  : evaluator.trainFinal(arch, seed, epochs, dir, checkpoints, forward(listener));
          return finalModel(m, epochs, dir);
        };
    FinalTuner tuner = null;
    if (config.finalTraining() != null && config.finalTraining().tune() != null) {
      if (hp != null) {
        throw dev.jnas.util.ConfigException.invalid(
            "final.tune", "tunes the best architecture of an architecture search; this search is itself a hyperparameter search");
      }
      tuner = Tuning.create(config, netSpace, netSection, evaluator);
    }
    return new Components(
        space, strategy, hpEvaluator != null ? hpEvaluator : evaluator, finalTrainer, settings.epochs(), true, loop, tuner);
  }

  /** What {@link FinalTrainer} reports of a trained model saved in {@code dir}. */
  static FinalTrainer.FinalModel finalModel(TrainedModel m, int epochs, Path dir) {
    return new FinalTrainer.FinalModel(
        m.testAccuracy(), m.trainAccuracy(), epochs, m.wallSeconds(), m.params(), m.flops(), savedFiles(dir));
  }

  /** The files in a saved model's folder, named {@code <folder>/<file>}. */
  static List<String> savedFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> dir.getFileName() + "/" + p.getFileName()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }


  /**
   * Refuses a {@code model} section (the search trains networks of its own: {@code withWhat}) and
   * a validation split without images (which the search needs: {@code needsValidation}).
   */
  private static void requireOwnNetworkAndValidation(
      ExperimentConfig config, TrainingEvaluator evaluator, String withWhat, String needsValidation) {
    if (config.model() != null && !config.model().isNull()) {
      throw dev.jnas.util.ConfigException.invalid("model", "cannot be given with " + withWhat);
    }
    if (evaluator.searchValData().size() == 0) {
      throw dev.jnas.util.ConfigException.invalid(
          "evaluator.training.val_fraction", "leaves no validation images, " + needsValidation);
    }
  }

  /** The trial loop of a morphism strategy (hill climbing, LEMONADE). */
  private static dev.jnas.experiment.SearchLoop morphismSearch(
      ExperimentConfig config, SearchSpace space, dev.jnas.morph.MorphismStrategy strategy, TrainingEvaluator evaluator) {
    requireOwnNetworkAndValidation(config, evaluator,
        "strategy " + strategy.name() + ": it trains the layer graphs of space graph",
        "by which strategy " + strategy.name() + " ranks networks");
    if (config.concurrencyOrDefault() != 1) {
      throw dev.jnas.util.ConfigException.invalid(
          "concurrency", "must be 1 with strategy " + strategy.name() + " (it trains one network at a time)");
    }
    return new dev.jnas.morph.MorphismSearch((dev.jnas.space.GraphSpace) space, strategy, evaluator);
  }

  /** The supernet search of a one-shot strategy; checks that the space has a supernet. */
  private static OneShotRunner oneShot(
      ExperimentConfig config, SearchSpace space, OneShotStrategy strategy, TrainingEvaluator evaluator,
      TrainingSettings settings) {
    requireOwnNetworkAndValidation(config, evaluator,
        "one-shot strategy " + strategy.name() + ": it trains the space's own supernet",
        "which one-shot strategy " + strategy.name() + " learns from");
    var params = strategy.params();
    dev.jnas.data.ImageDataset train = evaluator.searchTrainData();
    dev.jnas.model.Supernet net;
    try {
      // cheap: the blocks are not initialised; the search builds its own when it runs
      net = dev.jnas.model.Supernets.create(
          space, new Shape(train.channels(), train.height(), train.width()), train.numClasses());
    } catch (dev.jnas.util.BadInputException e) {
      throw dev.jnas.util.ConfigException.within("strategy", e);
    }
    if (params.latencyWeight() > 0 && params.latencyTable() == null) {
      throw dev.jnas.util.ConfigException.invalid(
          "strategy.params.latency_weight", "needs latency_table (a file written by jnas latency-table)");
    }
    LatencyTable table = null;
    if (params.latencyTable() != null) {
      try {
        table = LatencyTable.load(config.resolve(params.latencyTable()), net);
      } catch (dev.jnas.util.BadInputException e) {
        throw dev.jnas.util.ConfigException.within("strategy.params.latency_table", e);
      }
    }
    return new SupernetSearch(space, params, evaluator.searchTrainData(), evaluator.searchValData(), settings, table);
  }

  static TrialListener forward(ExperimentListener l) {
    return new TrialListener() {
      @Override
      public void onEpoch(long trialId, dev.jnas.evaluate.EpochMetrics metrics, int totalEpochs) {
        l.onEpoch(-1, metrics, totalEpochs);
      }
    };
  }
}
