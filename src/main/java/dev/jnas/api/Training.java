package dev.jnas.api;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jnas.data.Datasets;
import dev.jnas.data.ImageDataset;
import dev.jnas.data.TrainTestData;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.strategy.Strategies;
import dev.jnas.train.TrainedModel;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.train.TrainingSettings;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Wires the training evaluator (DJL) from a config. */
final class Training {
  private Training() {}

  /**
   * evaluator: {type: training, dataset: fashion-mnist|cifar10|synthetic, data_dir: DIR,
   * training: {...}, synthetic: {...}}.
   */
  record TrainingConfig(
      String type,
      String dataset,
      @JsonProperty("data_dir") String dataDir,
      TrainingSettings training,
      Synthetic synthetic) {}

  /** A generated dataset with a learnable pattern, for trying jnas without data. */
  record Synthetic(Integer train, Integer test, Integer channels, Integer size, Integer classes) {}

  static Components create(ExperimentConfig config) {
    TrainingConfig t = Evaluators.read(config.evaluator(), TrainingConfig.class);
    SearchSpace space = SearchSpaces.fromConfig(config.space());
    ModelBuilder builder = ModelBuilders.fromConfig(config.model(), space);
    TrainTestData data = load(t);
    ImageDataset images = data.train();
    builder.validate(new Shape(images.channels(), images.height(), images.width()), images.numClasses());
    TrainingSettings settings = t.training() == null ? TrainingSettings.DEFAULTS : t.training();
    TrainingEvaluator evaluator = new TrainingEvaluator(builder, data.train(), data.test(), settings);
    var strategy = Strategies.create(config.strategyName(), space, config.strategyParams(), config.seedOrDefault());
    FinalTrainer finalTrainer =
        (arch, seed, epochs, dir, listener) -> {
          TrainedModel m = evaluator.trainFinal(arch, seed, epochs, dir, forward(listener));
          List<String> files;
          try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> dir.getFileName() + "/" + p.getFileName()).sorted().toList();
          } catch (IOException e) {
            files = List.of();
          }
          return new FinalTrainer.FinalModel(
              m.testAccuracy(), m.trainAccuracy(), epochs, m.wallSeconds(), m.params(), m.flops(), files);
        };
    return new Components(space, strategy, evaluator, finalTrainer, settings.epochs());
  }

  private static TrialListener forward(ExperimentListener l) {
    return new TrialListener() {
      @Override
      public void onEpoch(long trialId, dev.jnas.evaluate.EpochMetrics metrics, int totalEpochs) {
        l.onEpoch(-1, metrics, totalEpochs);
      }
    };
  }

  private static TrainTestData load(TrainingConfig t) {
    if ("synthetic".equals(t.dataset()) && t.synthetic() != null) {
      Synthetic s = t.synthetic();
      int c = or(s.channels(), 1);
      int size = or(s.size(), 28);
      int k = or(s.classes(), 10);
      return new TrainTestData(
          ImageDataset.synthetic(or(s.train(), 6000), c, size, size, k, 1),
          ImageDataset.synthetic(or(s.test(), 1000), c, size, size, k, 2));
    }
    return Datasets.load(t.dataset() == null ? "fashion-mnist" : t.dataset(), t.dataDir() == null ? null : Path.of(t.dataDir()));
  }

  private static int or(Integer v, int d) {
    if (v != null && v <= 0) {
      throw new BadInputException("config: evaluator.synthetic values must be positive, got " + v);
    }
    return v == null ? d : v;
  }
}
