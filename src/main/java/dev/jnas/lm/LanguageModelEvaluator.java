package dev.jnas.lm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.text.TextCorpus;
import dev.jnas.data.text.Vocabulary;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.train.Checkpoint;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a recurrent cell by training its language model on a corpus's training stream and
 * measuring the validation stream's perplexity after every epoch. The reward is {@code
 * 1 / perplexity} of the best epoch (the geometric mean of the probability the model gives each
 * next token; ENAS's {@code c / ppl} up to the scale the controller normalises away). An epoch's
 * metrics: loss = mean cross-entropy in nats per token (perplexity = exp(loss)), accuracy = the
 * share of next tokens predicted top-1.
 *
 * <p>With a checkpoint folder and more than one epoch, a trial continues after a crash from the
 * last finished epoch (weights, learning rate, the epochs so far): the masks of dropout are drawn
 * per epoch from the trial seed, so the continued run is the uninterrupted one.
 */
public final class LanguageModelEvaluator implements Evaluator {
  private static final Logger LOG = LoggerFactory.getLogger(LanguageModelEvaluator.class);
  /** The final model's weights in its folder. */
  public static final String WEIGHTS_FILE = "weights.params";
  /** The final model's description: space, architecture, settings, perplexities. */
  public static final String INFO_FILE = "model.json";
  /** The final model's vocabulary, one token per line in id order. */
  public static final String VOCABULARY_FILE = "vocabulary.txt";

  private final SearchSpace space;
  private final TextCorpus corpus;
  private final LmSettings settings;
  private final int[][] trainRows;
  private final int[][] validRows;
  private final int[][] testRows;

  public LanguageModelEvaluator(SearchSpace space, TextCorpus corpus, LmSettings settings) {
    if (!RecurrentCells.isRecurrent(space)) {
      throw new BadInputException(
          "space '" + space.name() + "' holds no recurrent cells: a language-model task searches space enas-rnn or nasrl-rnn");
    }
    this.space = space;
    this.corpus = corpus;
    this.settings = settings;
    int[] train = corpus.train();
    if (settings.trainTokens() > 0 && settings.trainTokens() < train.length) {
      train = java.util.Arrays.copyOf(train, settings.trainTokens());
    }
    trainRows = TextCorpus.rows(train, settings.batchSize(), "train");
    validRows = TextCorpus.rows(corpus.valid(), settings.evalBatchSize(), "valid");
    testRows = TextCorpus.rows(corpus.test(), settings.evalBatchSize(), "test");
  }

  public SearchSpace space() {
    return space;
  }

  public TextCorpus corpus() {
    return corpus;
  }

  public LmSettings settings() {
    return settings;
  }

  /** The training stream cut into {@code batch_size} rows (what one epoch reads). */
  public int[][] trainRows() {
    return trainRows;
  }

  public int[][] validRows() {
    return validRows;
  }

  public int[][] testRows() {
    return testRows;
  }

  /** A copy that trains with {@code s}. */
  public LanguageModelEvaluator withSettings(LmSettings s) {
    return new LanguageModelEvaluator(space, corpus, s);
  }

  @Override
  public void validateSpace(SearchSpace s) {
    if (!RecurrentCells.isRecurrent(s)) {
      throw new BadInputException("a language-model task trains recurrent cells: space enas-rnn or nasrl-rnn, not '" + s.name() + "'");
    }
  }

  @Override
  public TrialResult evaluate(Architecture arch, TrialContext ctx) {
    long t0 = System.nanoTime();
    int epochs = ctx.epochs() > 0 ? ctx.epochs() : settings.epochs();
    LanguageModelNetwork net;
    try {
      net = RecurrentCells.network(space, arch, corpus.vocabulary().size(), settings);
    } catch (RuntimeException e) {
      return TrialResult.invalid("cannot build " + space.encode(arch) + ": " + e.getMessage());
    }
    try (LmTrainer trainer = new LmTrainer(net, settings, engineSeed(ctx.seed()))) {
      String key = runKey("trial " + ctx.trialId(), arch, ctx.seed(), epochs);
      Trained t = train(trainer, ctx.seed(), epochs, epochs > 1 ? ctx.checkpointDir() : null, key, ctx.trialId(),
          ctx.listener(), ctx::shouldPrune);
      List<EpochMetrics> metrics = t.epochs();
      double bestLoss = metrics.stream().mapToDouble(EpochMetrics::valLoss).min().orElse(Double.NaN);
      double valAcc = metrics.get(metrics.size() - 1).valAccuracy();
      return new TrialResult(
          metrics.size() < epochs ? TrialStatus.PRUNED : TrialStatus.COMPLETE, metrics, valAcc, Double.NaN,
          Math.exp(-bestLoss), net.parameterCount(),
          RecurrentCells.flopsPerToken(space, arch, net.vocabulary(), settings.embedding(), settings.hidden()),
          seconds(t0) + t.restoredSeconds(), null);
    } catch (LmTrainer.DivergedException e) {
      return TrialResult.failed(e.getMessage(), seconds(t0));
    } catch (OutOfMemoryError e) {
      return TrialResult.failed("out of memory: " + e.getMessage(), seconds(t0));
    } catch (RuntimeException e) {
      return TrialResult.failed(e.getMessage() == null ? e.toString() : e.getMessage(), seconds(t0));
    }
  }

  /** The epochs of a run and the wall time of those restored from a checkpoint. */
  record Trained(List<EpochMetrics> epochs, double restoredSeconds) {}

  /**
   * Trains epochs 1..{@code epochs} (continuing from {@code checkpointDir}'s checkpoint of the run
   * {@code key} when there is one), measuring validation perplexity after each and dividing the
   * learning rate by {@code lr_decay} after an epoch that did not improve on the best.
   */
  Trained train(
      LmTrainer trainer, long seed, int epochs, Path checkpointDir, String key, long id, TrialListener listener,
      Predicate<EpochMetrics> prune) {
    List<EpochMetrics> all = new ArrayList<>();
    double restored = 0;
    double best = Double.POSITIVE_INFINITY;
    if (checkpointDir != null) {
      Checkpoint.Restored r =
          Checkpoint.restore(checkpointDir, key, trainer.network(), m -> {}, trainer.manager());
      if (r != null) {
        all.addAll(r.epochs());
        trainer.setLearningRate(r.extra().path("learning_rate").asDouble(settings.learningRate()));
        for (EpochMetrics m : all) {
          restored += m.seconds();
          best = Math.min(best, m.valLoss());
          listener.onEpoch(id, m, epochs);
        }
        if (!all.isEmpty() && all.size() < epochs && prune.test(all.get(all.size() - 1))) {
          return new Trained(all, restored);
        }
      }
    }
    for (int e = all.size() + 1; e <= epochs; e++) {
      long t0 = System.nanoTime();
      int epoch = e;
      LmTrainer.Pass p = trainer.trainEpoch(trainRows, engineSeed(Rng.derive(seed, 100 + e)), null,
          f -> listener.onBatch(id, epoch, f));
      LmTrainer.Pass v = trainer.evaluate(validRows);
      EpochMetrics m = new EpochMetrics(e, p.meanLoss(), p.accuracy(), v.meanLoss(), v.accuracy(), seconds(t0));
      if (!Double.isFinite(v.meanLoss())) {
        throw new LmTrainer.DivergedException("validation loss is not a number after epoch " + e);
      }
      if (v.meanLoss() >= best) {
        trainer.decay(); // the example's schedule: a slower rate once validation stops improving
      }
      best = Math.min(best, v.meanLoss());
      all.add(m);
      if (checkpointDir != null && e < epochs) {
        ObjectNode extra = Json.MAPPER.createObjectNode();
        extra.put("learning_rate", trainer.learningRate());
        try {
          Checkpoint.save(checkpointDir, key, e, all, extra, trainer.network(), java.util.Map.of());
        } catch (NasException ex) {
          LOG.warn("no checkpoint after epoch {}: {}", e, ex.getMessage());
        }
      }
      listener.onEpoch(id, m, epochs);
      if (e < epochs && prune.test(m)) {
        break;
      }
    }
    return new Trained(all, restored);
  }

  /** A final model: its epochs and the perplexities of its last weights. */
  public record FinalRun(
      List<EpochMetrics> epochs, double validPerplexity, double testPerplexity, double testAccuracy, double trainAccuracy,
      long params, long flopsPerToken, double seconds) {}

  /**
   * Trains {@code arch}'s language model from scratch on the training stream, measures the test
   * stream's perplexity and saves the model ({@value #WEIGHTS_FILE}, {@value #INFO_FILE}, {@value
   * #VOCABULARY_FILE}) into {@code saveDir}; continues from {@code checkpointDir} after a crash.
   */
  public FinalRun trainFinal(Architecture arch, long seed, int epochs, Path saveDir, Path checkpointDir, TrialListener listener) {
    LanguageModelNetwork net = RecurrentCells.network(space, arch, corpus.vocabulary().size(), settings);
    return trainNetwork(net, seed, epochs, checkpointDir, runKey("final training", arch, seed, epochs), listener,
        RecurrentCells.flopsPerToken(space, arch, net.vocabulary(), settings.embedding(), settings.hidden()),
        (trainer, run) -> save(saveDir, arch, trainer, run));
  }

  /**
   * Trains {@code net} (built for this corpus's vocabulary with these settings' sizes) from
   * scratch and measures its last weights on the validation and test streams; {@code done} sees
   * the trained model and its figures before it is closed (to save it).
   */
  public FinalRun trainNetwork(
      LanguageModelNetwork net, long seed, int epochs, Path checkpointDir, String key, TrialListener listener,
      long flopsPerToken, java.util.function.BiConsumer<LmTrainer, FinalRun> done) {
    long t0 = System.nanoTime();
    try (LmTrainer trainer = new LmTrainer(net, settings, engineSeed(seed))) {
      Trained t = train(trainer, seed, epochs, checkpointDir, key, -1, listener, m -> false);
      LmTrainer.Pass valid = trainer.evaluate(validRows);
      LmTrainer.Pass test = trainer.evaluate(testRows);
      FinalRun run = new FinalRun(t.epochs(), valid.perplexity(), test.perplexity(), test.accuracy(),
          t.epochs().get(t.epochs().size() - 1).trainAccuracy(), net.parameterCount(), flopsPerToken,
          seconds(t0) + t.restoredSeconds());
      done.accept(trainer, run);
      return run;
    }
  }


  private void save(Path dir, Architecture arch, LmTrainer trainer, FinalRun run) {
    try {
      Files.createDirectories(dir);
      try (OutputStream os = Files.newOutputStream(dir.resolve(WEIGHTS_FILE));
          DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
        trainer.network().saveParameters(out);
      }
      Vocabulary v = corpus.vocabulary();
      Files.write(dir.resolve(VOCABULARY_FILE), v.tokens(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NasException("cannot save the language model in " + dir + ": " + e.getMessage(), e);
    }
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("task", "language-model");
    info.put("space", space.name());
    info.put("architecture", space.encode(arch));
    info.put("level", corpus.level().name().toLowerCase(java.util.Locale.ROOT));
    info.put("corpus", corpus.name());
    info.put("vocabulary", corpus.vocabulary().size());
    info.set("training", Json.MAPPER.valueToTree(settings));
    info.put("valid_perplexity", run.validPerplexity());
    info.put("test_perplexity", run.testPerplexity());
    info.put("params", run.params());
    AtomicFiles.writeJson(dir.resolve(INFO_FILE), info);
  }

  private String runKey(String what, Architecture arch, long seed, int epochs) {
    return what + " of " + space.name() + " " + space.encode(arch) + ", seed " + seed + ", " + epochs + " epochs on "
        + corpus.name() + " (" + trainRows.length + "x" + trainRows[0].length + " tokens), " + settings;
  }

  static int engineSeed(long seed) {
    return (int) (seed ^ (seed >>> 32));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
