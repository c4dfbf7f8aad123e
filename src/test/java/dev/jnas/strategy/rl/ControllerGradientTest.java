package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

/**
 * libtorch adds each backward pass into the parameters' gradients: an update that did not clear
 * them would carry every earlier update's gradient into the next (found while building the
 * predictor searches of issue 9).
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
