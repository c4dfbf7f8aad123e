package dev.jnas.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

class MlpEnsembleTest {
  private static final Predictor.TokenSpec SPEC = new Predictor.TokenSpec(6, 2);

  /** A score the MLP can learn: each group (a, b) adds a table value; groups are averaged. */
  private static double score(int[] s) {
    double[][] table = {{0, 1, 2, 3, 4, 5}, {5, 3, 1, 0, 2, 4}};
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      sum += table[i % 2][s[i]] * (1 + 0.5 * (s[i] % 2));
    }
    return sum / (s.length / 2);
  }

  private static List<int[]> sequences(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int groups = 1 + r.nextInt(3); // variable length, as PNAS's cells of 1..3 blocks
      int[] s = new int[2 * groups];
      for (int k = 0; k < s.length; k++) {
        s[k] = r.nextInt(6);
      }
      out.add(s);
    }
    return out;
  }

  private static double[] scores(List<int[]> seqs) {
    return seqs.stream().mapToDouble(MlpEnsembleTest::score).toArray();
  }

  private static double[] mean(double[][] p) {
    double[] m = new double[p[0].length];
    for (double[] member : p) {
      for (int i = 0; i < m.length; i++) {
        m[i] += member[i] / p.length;
      }
    }
    return m;
  }

  @Test
  void ranksHeldOutSequencesOfEveryLengthLikeTheTruth() {
    List<int[]> train = sequences(150, 1);
    List<int[]> test = sequences(100, 2);
    try (MlpEnsemble p = new MlpEnsemble(SPEC, MlpEnsemble.Settings.defaults())) {
      p.fit(train, scores(train), 7);
      double[][] predicted = p.predict(test);
      assertThat(predicted.length).isEqualTo(5);
      double rho = new SpearmansCorrelation().correlation(mean(predicted), scores(test));
      assertThat(rho).isGreaterThan(0.8);
      // members trained on different folds disagree somewhere
      assertThat(predicted[0]).isNotEqualTo(predicted[1]);
    }
  }

  @Test
  void theSameSeedGivesTheSamePredictionsAndAnotherSeedOthers() {
    List<int[]> train = sequences(40, 3);
    List<int[]> test = sequences(20, 4);
    MlpEnsemble.Settings quick = new MlpEnsemble.Settings(3, 16, 2, 50, 0.01);
    try (MlpEnsemble a = new MlpEnsemble(SPEC, quick);
        MlpEnsemble b = new MlpEnsemble(SPEC, quick)) {
      a.fit(train, scores(train), 11);
      b.fit(sequences(40, 9), scores(sequences(40, 9)), 12); // another fit before: refits start afresh
      b.fit(train, scores(train), 11);
      assertThat(b.predict(test)).isEqualTo(a.predict(test));
      b.fit(train, scores(train), 12);
      assertThat(b.predict(test)).isNotEqualTo(a.predict(test));
    }
  }

  @Test
  void rejectsTokensOutsideTheVocabularyAndRaggedGroupsAndPredictBeforeFit() {
    try (MlpEnsemble p = new MlpEnsemble(SPEC, MlpEnsemble.Settings.defaults())) {
      assertThatThrownBy(() -> p.predict(List.of(new int[] {0, 1}))).hasMessageContaining("before fit");
      assertThatThrownBy(() -> p.fit(List.of(new int[] {0, 6}), new double[] {1}, 0)).hasMessageContaining("token 6");
      assertThatThrownBy(() -> p.fit(List.of(new int[] {0, 1, 2}), new double[] {1}, 0))
          .hasMessageContaining("not a multiple of 2");
    }
  }

  /** Many fits in one predictor: native memory stays flat (each fit's arrays are closed). */
  @Test
  void manyFitsDoNotAccumulateArrays() {
    List<int[]> train = sequences(60, 5);
    try (MlpEnsemble p = new MlpEnsemble(SPEC, new MlpEnsemble.Settings(2, 8, 1, 5, 0.01))) {
      p.fit(train, scores(train), 0);
      int after1 = p.liveArrays();
      for (int i = 1; i < 30; i++) {
        p.fit(train, scores(train), i);
        p.predict(train);
      }
      assertThat(p.liveArrays()).isEqualTo(after1);
    }
  }
}
