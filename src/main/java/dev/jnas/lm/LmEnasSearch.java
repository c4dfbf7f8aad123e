package dev.jnas.lm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.OneShotRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.oneshot.OneShotParams;
import dev.jnas.space.Architecture;
import dev.jnas.space.EnasRnnSpace;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import dev.jnas.strategy.rl.ReinforceController;
import dev.jnas.train.Checkpoint;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ENAS on recurrent cells (Pham et al. 2018, section 2.1 and 3.1): one language model whose cell
 * is the {@code enas-rnn} supernet ({@link EnasRnnCell} holding every W_{i,j}); each epoch trains
 * the shared weights over the training stream with a cell sampled by the LSTM controller ({@link
 * ReinforceController}) for every truncated-BPTT window, then takes {@code controller_steps}
 * controller updates whose rewards are {@code 1 / perplexity} of the sampled cells on a random
 * validation window with the shared weights. To derive, {@code derive_samples} cells are sampled
 * and the best on a fixed validation chunk kept.
 *
 * <p>Recorded like the image one-shot searches: trial 0 is the search (its epochs the supernet's,
 * the snapshot every epoch's derived cell and controller statistics), finished with the derived
 * cell and its validation perplexity under the shared weights; the experiment then trains that
 * cell from scratch. After every epoch the supernet, learning rate and controller are saved in
 * {@code <checkpoints>/supernet}, and a search started again continues after the last epoch.
 */
public final class LmEnasSearch implements OneShotRunner {
  private static final Logger LOG = LoggerFactory.getLogger(LmEnasSearch.class);
  /** Windows of the validation stream the final choice among sampled cells is measured on. */
  private static final int DERIVE_WINDOWS = 4;

  private final EnasRnnSpace space;
  private final OneShotParams params;
  private final LanguageModelEvaluator evaluator;

  public LmEnasSearch(EnasRnnSpace space, OneShotParams params, LanguageModelEvaluator evaluator) {
    this.space = space;
    this.params = params;
    this.evaluator = evaluator;
  }

  @Override
  public List<TrialRecord> run(TrialStore store, RunSettings run, Path experimentDir, ExperimentListener listener) {
    List<TrialRecord> known = store.trials();
    if (known.stream().anyMatch(t -> t.status().isFinished())) {
      store.setStatus("FINISHED");
      return known;
    }
    long t0 = System.nanoTime();
    LmSettings s = evaluator.settings();
    EnasRnnCell cell = new EnasRnnCell(space, s.embedding(), s.hidden(), null);
    LanguageModelNetwork net = new LanguageModelNetwork(cell, evaluator.corpus().vocabulary().size(), s.tieWeights(), s.dropout());
    long seed = known.isEmpty() ? Rng.derive(run.seed(), 0) : known.get(0).seed();
    int epochs = Math.max(1, run.epochsPerTrial());
    try (LmTrainer trainer = new LmTrainer(net, s, LanguageModelEvaluator.engineSeed(seed));
        ReinforceController controller = new ReinforceController(space, params.controller(), Rng.derive(seed, 13))) {
      cell.use(controller.sample(1, Rng.of(Rng.derive(seed, 11))).get(0));
      TrialRecord trial =
          known.isEmpty()
              ? TrialRecord.running(0, space.encode(derive(controller, cell, trainer, 1, Rng.of(seed))), seed,
                  System.currentTimeMillis(), 1)
              : known.get(0);
      if (known.isEmpty()) {
        store.recordAsked(List.of(trial), null);
      }
      store.setStatus("RUNNING");
      listener.onStart(0, 1);
      listener.onTrialStart(trial);
      store.clearEpochs(trial.id()); // the checkpoint's epochs are reported again
      Path dir = run.checkpointRoot() == null ? null : run.checkpointRoot().resolve(dev.jnas.oneshot.SupernetSearch.CHECKPOINT_FOLDER);
      String key = "enas-rnn search of " + space.decisions().size() + " decisions, " + params + ", seed " + seed + ", "
          + epochs + " epochs on " + evaluator.corpus().name() + ", " + s;
      List<EpochMetrics> done = new ArrayList<>();
      ArrayNode history = Json.MAPPER.createArrayNode();
      if (dir != null) {
        Checkpoint.Restored r = Checkpoint.restore(dir, key, net, m -> {}, trainer.manager());
        if (r != null && r.extra() != null) {
          controller.restore((ObjectNode) r.extra().path("controller"));
          trainer.setLearningRate(r.extra().path("learning_rate").asDouble(s.learningRate()));
          done.addAll(r.epochs());
          r.extra().path("history").forEach(history::add);
          for (EpochMetrics m : done) {
            store.recordEpoch(trial.id(), m);
            listener.onEpoch(trial.id(), m, epochs);
          }
        }
      }
      Set<ai.djl.nn.Parameter> cellParams = Collections.newSetFromMap(new IdentityHashMap<>());
      cell.getParameters().values().forEach(cellParams::add);
      List<ai.djl.nn.Parameter> trainable = trainer.parameters();
      double best = done.stream().mapToDouble(EpochMetrics::valLoss).min().orElse(Double.POSITIVE_INFINITY);
      String stop = null;
      for (int e = done.size() + 1; e <= epochs && stop == null; e++) {
        long e0 = System.nanoTime();
        Rng rng = Rng.of(Rng.derive(Rng.derive(seed, 1002), e));
        int epoch = e;
        LmTrainer.Pass p = trainer.trainEpoch(evaluator.trainRows(), LanguageModelEvaluator.engineSeed(Rng.derive(seed, 100 + e)),
            step -> {
              Architecture a = controller.sample(1, rng).get(0);
              cell.use(a);
              return skipOutside(trainable, cellParams, cell.pathParameters(a));
            },
            f -> listener.onBatch(trial.id(), epoch, f), true);
        controllerSteps(controller, cell, trainer, Rng.of(Rng.derive(Rng.derive(seed, 1003), e)));
        Architecture current = derive(controller, cell, trainer, Math.min(5, params.deriveSamples()),
            Rng.of(Rng.derive(Rng.derive(seed, 1004), e)));
        cell.use(current);
        LmTrainer.Pass v = trainer.evaluate(evaluator.validRows());
        // a cell whose state explodes over the long validation stream is a bad epoch, not the end
        if (!(v.meanLoss() < best)) {
          trainer.decay();
        }
        if (Double.isFinite(v.meanLoss())) {
          best = Math.min(best, v.meanLoss());
        }
        EpochMetrics m = new EpochMetrics(e, p.meanLoss(), p.accuracy(), v.meanLoss(), v.accuracy(), (System.nanoTime() - e0) / 1e9);
        done.add(m);
        ObjectNode record = history.addObject();
        record.put("epoch", e);
        record.put("architecture", space.encode(current));
        if (Double.isFinite(v.perplexity())) {
          record.put("valid_perplexity", v.perplexity());
        } else {
          record.putNull("valid_perplexity");
        }
        record.put("controller_updates", controller.updates());
        if (!Double.isNaN(controller.baseline())) {
          record.put("baseline", controller.baseline());
        }
        record.put("learning_rate", trainer.learningRate());
        record.put("skipped_windows", p.skipped());
        if (run.maxWall() != null && System.nanoTime() - t0 >= run.maxWall().toNanos()) {
          stop = "budget.max_minutes reached";
          record.put("stopped", stop);
        }
        if (dir != null) {
          ObjectNode extra = Json.MAPPER.createObjectNode();
          extra.set("history", history);
          extra.set("controller", controller.snapshot());
          extra.put("learning_rate", trainer.learningRate());
          try {
            Checkpoint.save(dir, key, e, done, extra, net, java.util.Map.of());
          } catch (NasException ex) {
            LOG.warn("no checkpoint after supernet epoch {}: {}", e, ex.getMessage());
          }
        }
        store.recordEpoch(trial.id(), m);
        store.saveSnapshot(snapshot(history).toString());
        listener.onEpoch(trial.id(), m, epochs);
      }
      Architecture fin = derive(controller, cell, trainer, params.deriveSamples(), Rng.of(Rng.derive(seed, 17)));
      cell.use(fin);
      LmTrainer.Pass v = trainer.evaluate(evaluator.validRows());
      if (!Double.isFinite(v.meanLoss())) {
        throw new LmTrainer.DivergedException("the derived cell " + space.encode(fin) + " has no finite validation"
            + " perplexity under the shared weights: the supernet did not train (try a lower training.learning_rate)");
      }
      double seconds = done.stream().mapToDouble(EpochMetrics::seconds).sum();
      TrialResult result = new TrialResult(TrialStatus.COMPLETE, done, v.accuracy(), Double.NaN, Math.exp(-v.meanLoss()),
          RecurrentCells.modelParameters(RecurrentCells.cellParameters(space, fin, s.embedding(), s.hidden()),
              net.vocabulary(), s.embedding(), s.hidden(), s.tieWeights()),
          RecurrentCells.flopsPerToken(space, fin, net.vocabulary(), s.embedding(), s.hidden()), seconds, null);
      ObjectNode snapshot = snapshot(history);
      snapshot.put("derived", space.encode(fin));
      snapshot.put("derived_valid_perplexity", v.perplexity());
      snapshot.put("stopped", stop == null ? "budget.epochs reached" : stop);
      TrialRecord finished = new TrialRecord(trial.id(), space.encode(fin), seed, TrialStatus.COMPLETE, result,
          trial.startedAt(), System.currentTimeMillis(), trial.askSeq(), 1);
      store.recordFinished(finished, snapshot.toString());
      listener.onTrialEnd(finished, finished);
      store.setStatus("FINISHED");
      return store.trials();
    } catch (RuntimeException | Error e) {
      store.setStatus("FAILED");
      throw e;
    } finally {
      listener.onEnd();
    }
  }

  /** The cell's parameters outside {@code path}: a weight step leaves them (and their momentum) alone. */
  private static boolean[] skipOutside(
      List<ai.djl.nn.Parameter> all, Set<ai.djl.nn.Parameter> cellParams, List<ai.djl.nn.Parameter> path) {
    Set<ai.djl.nn.Parameter> used = Collections.newSetFromMap(new IdentityHashMap<>());
    used.addAll(path);
    boolean[] skip = new boolean[all.size()];
    for (int i = 0; i < skip.length; i++) {
      skip[i] = cellParams.contains(all.get(i)) && !used.contains(all.get(i));
    }
    return skip;
  }

  /** The controller's updates of one epoch: rewards 1/perplexity on random validation windows. */
  private void controllerSteps(ReinforceController controller, EnasRnnCell cell, LmTrainer trainer, Rng rng) {
    int[][] valid = evaluator.validRows();
    int window = evaluator.settings().bptt() + 1;
    for (int u = 0; u < params.controllerSteps(); u++) {
      for (Architecture a : controller.ask(params.controller().batch())) {
        cell.use(a);
        int from = valid[0].length <= window ? 0 : rng.nextInt(valid[0].length - window);
        LmTrainer.Pass p = trainer.evaluate(valid, from, Math.min(valid[0].length, from + window));
        double reward = Math.exp(-p.meanLoss());
        controller.tell(a, Double.isFinite(reward) ? OptionalDouble.of(reward) : OptionalDouble.empty());
      }
    }
  }

  /** The best of {@code m} sampled cells on the first validation windows. */
  private Architecture derive(ReinforceController controller, EnasRnnCell cell, LmTrainer trainer, int m, Rng rng) {
    int[][] valid = evaluator.validRows();
    int to = Math.min(valid[0].length, DERIVE_WINDOWS * evaluator.settings().bptt() + 1);
    Architecture best = null;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (Architecture a : controller.sample(Math.max(1, m), rng)) {
      cell.use(a);
      double loss = trainer.evaluate(valid, 0, to).meanLoss();
      // NaN (an exploding cell) never wins over a number
      if (best == null || (Double.isFinite(loss) && !(loss >= bestLoss))) {
        best = a;
        bestLoss = loss;
      }
    }
    return best;
  }

  private ObjectNode snapshot(ArrayNode history) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("method", "enas");
    o.put("task", "language-model");
    o.set("epochs", history.deepCopy());
    return o;
  }

}
