package dev.jnas.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.data.text.GrammarCorpus;
import dev.jnas.data.text.TextCorpus;
import dev.jnas.data.text.TextLevel;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlRnnSpace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelEvaluatorTest {
  @TempDir static Path dir;
  static TextCorpus corpus;
  static final LmSettings SETTINGS = new LmSettings(3, 16, 20, 5, 4, 0.25, 0.1, 16, 16, false, 0, 8);
  static final NasRlRnnSpace SPACE = new NasRlRnnSpace(2);
  // the paper's Figure 5 cell
  static final Architecture CELL = SPACE.decode("add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0;cell=1");

  @BeforeAll
  static void corpus() {
    GrammarCorpus.write(dir.resolve("g"), 5, 1500, 200, 200);
    corpus = TextCorpus.load(dir.resolve("g"), TextLevel.WORD);
  }

  @Test
  void theRewardIsOneOverTheBestEpochsValidationPerplexity() {
    TrialResult r = new LanguageModelEvaluator(SPACE, corpus, SETTINGS).evaluate(CELL, TrialContext.of(0, 11, 3));
    assertThat(r.status()).as(r.error()).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.epochs()).hasSize(3);
    double best = r.epochs().stream().mapToDouble(EpochMetrics::valLoss).min().orElseThrow();
    assertThat(r.reward()).isEqualTo(Math.exp(-best));
    // a model that learnt something: better than a uniform guess over the vocabulary
    assertThat(1 / r.reward()).isLessThan(corpus.vocabulary().size());
    assertThat(r.valAccuracy()).isEqualTo(r.epochs().get(2).valAccuracy()).isBetween(0.0, 1.0);
    assertThat(r.params()).isEqualTo(RecurrentCells.modelParameters(
        RecurrentCells.cellParameters(SPACE, CELL, 16, 16), corpus.vocabulary().size(), 16, 16, false));
  }

  /** A trial killed after an epoch's checkpoint continues from it and ends as the uninterrupted run. */
  @Test
  void aTrialContinuedFromItsCheckpointEqualsTheUninterruptedRun() {
    LanguageModelEvaluator ev = new LanguageModelEvaluator(SPACE, corpus, SETTINGS);
    TrialResult whole = ev.evaluate(CELL, new TrialContext(1, 21, 3, TrialListener.NONE, dir.resolve("ckpt-a")));
    Path ckpt = dir.resolve("ckpt-b");
    TrialResult crashed = ev.evaluate(CELL, new TrialContext(1, 21, 3, new TrialListener() {
      @Override
      public void onEpoch(long id, EpochMetrics m, int total) {
        if (m.epoch() == 2) {
          throw new IllegalStateException("killed after epoch 2");
        }
      }
    }, ckpt));
    assertThat(crashed.status()).isEqualTo(TrialStatus.FAILED);
    List<Integer> reported = new ArrayList<>();
    TrialResult resumed = ev.evaluate(CELL, new TrialContext(1, 21, 3, new TrialListener() {
      @Override
      public void onEpoch(long id, EpochMetrics m, int total) {
        reported.add(m.epoch());
      }
    }, ckpt));
    assertThat(reported).containsExactly(1, 2, 3); // the restored epochs are reported again, then the new one
    assertThat(resumed.reward()).isEqualTo(whole.reward());
    assertThat(resumed.epochs().get(2).valLoss()).isEqualTo(whole.epochs().get(2).valLoss());
    assertThat(resumed.epochs().get(2).trainLoss()).isEqualTo(whole.epochs().get(2).trainLoss());
  }

  @Test
  void aDivergingTrialFailsWithAMessageInsteadOfThrowing() {
    LmSettings wild = new LmSettings(2, 16, 20, 1e12, 4, 0, 0, 16, 16, false, 0, 8);
    TrialResult r = new LanguageModelEvaluator(SPACE, corpus, wild).evaluate(
        SPACE.decode("add:identity,add:identity,mul:identity;inject=mul:identity@1;cell=1"), TrialContext.of(2, 5, 2));
    assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(r.error()).containsAnyOf("diverged", "not a number");
  }
}
