package dev.jnas.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The {@code log} target: the rewards' order kept, the differences among the best stretched. */
class PredictorSearchTargetTest {

  @Test
  void keepsTheOrderAndStretchesTheTop() {
    double[] rewards = {10, 84.0, 50, 85.0, 70, 84.9};
    double[] t = PredictorSearch.towardsTheBest(rewards, 0.3);
    for (int i = 0; i < rewards.length; i++) {
      for (int j = 0; j < rewards.length; j++) {
        assertThat(Double.compare(t[i], t[j])).as("%d vs %d", i, j).isEqualTo(Double.compare(rewards[i], rewards[j]));
      }
    }
    double rawShare = (85.0 - 84.0) / (85.0 - 10);
    double logShare = (t[3] - t[1]) / (t[3] - t[0]);
    // the top point's lead over 84.0 is 1.3 % of the raw range, 5 % of the transformed one
    assertThat(logShare).isGreaterThan(3 * rawShare);
    // the best maps to -log(s), s = 0.3 x the rewards' standard deviation
    double mean = 0;
    for (double r : rewards) {
      mean += r / rewards.length;
    }
    double var = 0;
    for (double r : rewards) {
      var += (r - mean) * (r - mean) / rewards.length;
    }
    assertThat(t[3]).isCloseTo(-Math.log(0.3 * Math.sqrt(var)), within(1e-12));
  }

  @Test
  void equalRewardsStayFinite() {
    double[] t = PredictorSearch.towardsTheBest(new double[] {3, 3, 3}, 0.3);
    for (double v : t) {
      assertThat(v).isEqualTo(0.0, within(0.0)); // no spread: s = 1, -log(1) = 0
    }
  }
}
