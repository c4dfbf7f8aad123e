package dev.jnas.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

class LstmPredictorTest {
  static {
    // tiny tensors: one intra-op thread avoids OpenMP stalls on a busy machine
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  /** PNAS-like tokens: inputs 0..3, ops 4..9; a block is (in1, in2, op1, op2). */
  private static final Predictor.TokenSpec SPEC = new Predictor.TokenSpec(10, 4);
  /** What each op is worth in the synthetic rule. */
  private static final double[] OP_VALUE = {0.9, 0.1, 0.5, 0.7, 0.3, 0.2};

  /** Random cells of 1 to 3 blocks. */
  static List<int[]> cells(int n, long seed) {
    Rng rng = Rng.of(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int blocks = 1 + rng.nextInt(3);
      int[] s = new int[blocks * 4];
      for (int b = 0; b < blocks; b++) {
        s[4 * b] = rng.nextInt(2 + b);
        s[4 * b + 1] = rng.nextInt(2 + b);
        s[4 * b + 2] = 4 + rng.nextInt(6);
        s[4 * b + 3] = 4 + rng.nextInt(6);
      }
      out.add(s);
    }
    return out;
  }

  /** The rule to learn: the mean op value over the cell's ops, a little more for reading block outputs. */
  static double score(int[] s) {
    double sum = 0;
    for (int b = 0; b < s.length / 4; b++) {
      sum += OP_VALUE[s[4 * b + 2] - 4] + OP_VALUE[s[4 * b + 3] - 4] + 0.1 * (s[4 * b] >= 2 ? 1 : 0);
    }
    return 0.1 + 0.7 * sum / (s.length / 2.0);
  }

  static double[] scores(List<int[]> cells) {
    return cells.stream().mapToDouble(LstmPredictorTest::score).toArray();
  }

  private static LstmPredictor predictor(int members, int epochs) {
    return new LstmPredictor(SPEC, new LstmPredictor.Settings(32, 1, members, epochs, 0.01));
  }

  @Test
  void learnsATokenRuleAndRanksHeldOutCells() {
    List<int[]> train = cells(300, 1);
    List<int[]> test = cells(100, 2);
    try (LstmPredictor p = predictor(1, 300)) {
      p.fit(train, scores(train), 7);
      double[][] predicted = p.predict(test);
      assertThat(predicted).hasDimensions(1, 100);
      double rho = new SpearmansCorrelation().correlation(predicted[0], scores(test));
      assertThat(rho).as("Spearman on held-out cells").isGreaterThan(0.8);
    }
  }

  @Test
  void rewardsOutsideTheUnitIntervalAreScaledAndMappedBack() {
    List<int[]> train = cells(200, 3);
    double[] y = Arrays.stream(scores(train)).map(v -> 100 * v - 20).toArray();
    try (LstmPredictor p = predictor(1, 200)) {
      p.fit(train, y, 1);
      double[] predicted = p.predict(train)[0];
      assertThat(new SpearmansCorrelation().correlation(predicted, y)).isGreaterThan(0.8);
      double mean = Arrays.stream(predicted).average().orElseThrow();
      assertThat(mean).isCloseTo(Arrays.stream(y).average().orElseThrow(), org.assertj.core.data.Offset.offset(10.0));
    }
  }

  @Test
  void sameSeedGivesTheSamePredictionsAndAnotherSeedOthers() {
    List<int[]> train = cells(60, 4);
    List<int[]> test = cells(20, 5);
    double[][] first;
    double[][] second;
    double[][] other;
    try (LstmPredictor a = predictor(2, 30); LstmPredictor b = predictor(2, 30); LstmPredictor c = predictor(2, 30)) {
      a.fit(train, scores(train), 11);
      b.fit(train, scores(train), 11);
      c.fit(train, scores(train), 12);
      first = a.predict(test);
      second = b.predict(test);
      other = c.predict(test);
    }
    assertThat(second).isDeepEqualTo(first);
    assertThat(other[0]).isNotEqualTo(first[0]);
    assertThat(first[1]).as("members differ: own weights and data share").isNotEqualTo(first[0]);
  }

  @Test
  void aLaterFitContinuesFromTheCurrentWeights() {
    List<int[]> train = cells(60, 6);
    try (LstmPredictor p = predictor(1, 20); LstmPredictor fresh = predictor(1, 20)) {
      p.fit(train, scores(train), 3);
      p.fit(train, scores(train), 3);
      fresh.fit(train, scores(train), 3);
      // the same seed and data from fresh weights would give fresh's predictions exactly
      assertThat(p.predict(train)[0]).isNotEqualTo(fresh.predict(train)[0]);
    }
  }

  @Test
  void manyFitsAndPredictionsLeaveNoArraysBehind() {
    List<int[]> train = cells(40, 8);
    try (LstmPredictor p = predictor(2, 3)) {
      p.fit(train, scores(train), 1);
      p.predict(train);
      int held = p.ownedArrays();
      for (int i = 0; i < 30; i++) {
        List<int[]> more = cells(40 + i, 9 + i);
        p.fit(more, scores(more), i);
        p.predict(more);
      }
      assertThat(p.ownedArrays()).isEqualTo(held);
    }
  }

  @Test
  void rejectsBadSequencesAndPredictingBeforeFitting() {
    try (LstmPredictor p = predictor(1, 1)) {
      assertThatThrownBy(() -> p.predict(cells(2, 1))).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> p.fit(List.of(new int[] {0, 1, 4, 10}), new double[] {0.5}, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token 10");
      assertThatThrownBy(() -> p.fit(List.of(new int[] {0, 1, 4}), new double[] {0.5}, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("multiple of 4");
    }
  }

  @Test
  void largeCandidateSetsArePredictedInChunksWithTheSameResults() {
    List<int[]> train = cells(30, 10);
    List<int[]> many = cells(9000, 11);
    try (LstmPredictor p = predictor(1, 5)) {
      p.fit(train, scores(train), 2);
      double[] all = p.predict(many)[0];
      for (int i : new int[] {0, 4095, 4096, 8999}) {
        assertThat(all[i]).isCloseTo(p.predict(List.of(many.get(i)))[0][0], org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }
}
