package dev.jnas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jnas.data.text.TextCorpus;
import dev.jnas.data.text.TextLevel;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.experiment.FinalTrainer;
import dev.jnas.experiment.SearchLoop;
import dev.jnas.lm.LanguageModelEvaluator;
import dev.jnas.lm.LmEnasSearch;
import dev.jnas.lm.LmSettings;
import dev.jnas.lm.RecurrentCells;
import dev.jnas.oneshot.OneShotParams;
import dev.jnas.oneshot.OneShotStrategy;
import dev.jnas.space.EnasRnnSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wires the language-model task: {@code evaluator: {type: training, task: language-model,
 * data_dir: DIR | text: FILE, level: word | char, training: {...}}} over a recurrent-cell space.
 */
final class LanguageModelling {
  /** The task's name in {@code evaluator.task}. */
  static final String TASK = "language-model";

  private LanguageModelling() {}

  /** The evaluator section of a language-model task. */
  record LmConfig(
      String type,
      String task,
      @JsonProperty("data_dir") String dataDir,
      String text,
      String level,
      LmSettings training) {}

  static Components create(ExperimentConfig config, Evaluators.Given given) {
    LmConfig c = Evaluators.read(config.evaluator(), LmConfig.class);
    SearchSpace space = Evaluators.space(config, given);
    if (!RecurrentCells.isRecurrent(space)) {
      throw ConfigException.invalid(
          "space", "'" + space.name() + "' holds no recurrent cells: a language-model task searches space enas-rnn or nasrl-rnn");
    }
    if (config.model() != null && !config.model().isNull()) {
      throw ConfigException.invalid("model", "does not apply to a language-model task: the cell's network is the language model");
    }
    if (config.finalTraining() != null && config.finalTraining().tune() != null) {
      throw ConfigException.invalid("final.tune", "tunes image-classification training; a language-model task has none yet");
    }
    TextLevel level;
    try {
      level = c.level() == null ? TextLevel.WORD : TextLevel.parse(c.level());
    } catch (BadInputException e) {
      throw ConfigException.within("evaluator.level", e);
    }
    TextCorpus corpus = corpus(config, c, level);
    LmSettings settings = c.training() == null ? LmSettings.DEFAULTS : c.training();
    LanguageModelEvaluator evaluator;
    try {
      evaluator = new LanguageModelEvaluator(space, corpus, settings);
    } catch (BadInputException e) {
      throw ConfigException.within("evaluator", e);
    }
    Strategy strategy = Evaluators.strategy(config, space, given);
    SearchLoop loop = null;
    if (strategy instanceof OneShotStrategy os) {
      if (!os.params().method().equals(OneShotParams.ENAS) || !(space instanceof EnasRnnSpace)) {
        throw ConfigException.invalid(
            "strategy", "'" + strategy.name() + "' on recurrent cells: the one-shot search of a language-model task is enas on"
                + " space enas-rnn (its supernet shares every W_ij); multi-trial strategies search nasrl-rnn");
      }
      loop = new LmEnasSearch((EnasRnnSpace) space, os.params(), evaluator);
    } else if (given.strategy() == null && dev.jnas.strategy.Strategies.provider(config.strategyName()).growsNetworks()) {
      throw ConfigException.invalid(
          "strategy", "'" + config.strategyName() + "' grows layer graphs of images; it cannot search recurrent cells");
    }
    FinalTrainer finalTrainer = (arch, seed, epochs, dir, checkpoints, listener) -> {
      LanguageModelEvaluator.FinalRun r = evaluator.trainFinal(arch, seed, epochs, dir, checkpoints, Training.forward(listener));
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("test_perplexity", r.testPerplexity());
      metrics.put("valid_perplexity", r.validPerplexity());
      return new FinalTrainer.FinalModel(r.testAccuracy(), r.trainAccuracy(), epochs, r.seconds(), r.params(), r.flopsPerToken(),
          Training.savedFiles(dir), metrics);
    };
    return new Components(space, strategy, evaluator, finalTrainer, settings.epochs(), true, loop, null);
  }

  private static TextCorpus corpus(ExperimentConfig config, LmConfig c, TextLevel level) {
    if ((c.dataDir() == null) == (c.text() == null)) {
      throw ConfigException.invalid(
          "evaluator", c.dataDir() == null
              ? "needs data_dir (a folder with train.txt, valid.txt, test.txt) or text (one text file)"
              : "takes data_dir or text, not both");
    }
    String field = c.dataDir() != null ? "evaluator.data_dir" : "evaluator.text";
    try {
      return c.dataDir() != null
          ? TextCorpus.load(config.resolve(c.dataDir()), level)
          : TextCorpus.fromTextFile(config.resolve(c.text()), level);
    } catch (BadInputException e) {
      throw ConfigException.within(field, e);
    }
  }
}
