package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

/**
 * libtorch adds each backward pass into the parameters' gradients (2, 4, 6 for the same loss
 * without a step between); the controller relies on DJL's Adam update leaving them cleared, so
 * an update never carries an earlier one's gradient. This checks that it does.
 */
class ControllerGradientTest {
  @Test
  void anUpdateLeavesNoGradientForTheNext() {
    DecisionPlan plan = new DecisionPlan(new NasBench201Space().decisions());
    ReinforceConfig config = ReinforceConfig.fromJson(Json.MAPPER.createObjectNode());
    try (ControllerNetwork n = new ControllerNetwork(plan, config, 1)) {
      int[][] actions = {{0, 1, 2, 3, 4, 0}, {4, 3, 2, 1, 0, 4}};
      for (int i = 0; i < 2; i++) {
        n.update(actions, new float[] {1f, -1f}, 2, 0f);
        assertThat(n.leftoverGradient()).as("after update %d", i + 1).isZero();
      }
    }
  }
}
