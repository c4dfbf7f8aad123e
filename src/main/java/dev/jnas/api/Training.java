package dev.jnas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jnas.data.Cifar10;
import dev.jnas.data.FashionMnist;
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
    SearchSpace space = SearchSpaces.create(config.spaceName(), config.spaceParams());
    ModelBuilder builder = ModelBuilders.forSpace(space);
    TrainTestData data = load(t);
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
    String dataset = t.dataset() == null ? "fashion-mnist" : t.dataset();
    return switch (dataset) {
      case "fashion-mnist" -> t.dataDir() == null ? FashionMnist.load() : FashionMnist.load(Path.of(t.dataDir()));
      case "cifar10" -> {
        if (t.dataDir() == null) {
          throw new BadInputException("config: evaluator.data_dir must name the folder with CIFAR-10's data_batch_*.bin files");
        }
        yield Cifar10.load(Path.of(t.dataDir()));
      }
      case "synthetic" -> {
        Synthetic s = t.synthetic() == null ? new Synthetic(null, null, null, null, null) : t.synthetic();
        int c = or(s.channels(), 1);
        int size = or(s.size(), 28);
        int k = or(s.classes(), 10);
        yield new TrainTestData(
            ImageDataset.synthetic(or(s.train(), 2000), c, size, size, k, 1),
            ImageDataset.synthetic(or(s.test(), 500), c, size, size, k, 2));
      }
      default -> throw new BadInputException(
          "config: evaluator.dataset '" + dataset + "' is unknown (valid: fashion-mnist, cifar10, synthetic)");
    };
  }

  private static int or(Integer v, int d) {
    if (v != null && v <= 0) {
      throw new BadInputException("config: evaluator.synthetic values must be positive, got " + v);
    }
    return v == null ? d : v;
  }
}
