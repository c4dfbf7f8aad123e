package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

class ReinforceConfigTest {

  @Test
  void emptyParamsGiveTheDocumentedDefaults() {
    ReinforceConfig c = ReinforceConfig.fromJson(Json.MAPPER.createObjectNode());
    assertThat(c).isEqualTo(ReinforceConfig.defaults());
    assertThat(c.layers()).isEqualTo(2);
    assertThat(c.hidden()).isEqualTo(35);
    assertThat(c.failureReward()).isEmpty();
  }

  @Test
  void roundTripsThroughJson() {
    ReinforceConfig c =
        ReinforceConfig.fromJson(
            Json.MAPPER.createObjectNode().put("batch", 3).put("failure_reward", 0).put("entropy_weight", 0.1));
    assertThat(ReinforceConfig.fromJson(c.toJson())).isEqualTo(c);
    assertThat(c.failureReward()).hasValue(0);
  }

  @Test
  void namesTheBadParameter() {
    assertThatThrownBy(() -> ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("layers", "two")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'layers'");
    assertThatThrownBy(() -> ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("baseline_decay", 1.0)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'baseline_decay'");
    assertThatThrownBy(() -> ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("learning_rate", -1)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'learning_rate'");
  }

  @Test
  void usesTheSharedWording() {
    assertThatThrownBy(() -> ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("layers", 1.5)))
        .hasMessage("strategy reinforce: parameter 'layers' must be an integer, got 1.5");
    assertThatThrownBy(() -> ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("batch", 0)))
        .hasMessage("strategy reinforce: parameter 'batch' must be an integer >= 1, got 0");
    assertThatThrownBy(() -> ReinforceConfig.fromJson(Json.MAPPER.createObjectNode().put("hiden", 3)))
        .hasMessage("strategy reinforce: unknown parameter 'hiden' (valid: layers, hidden, learning_rate, batch,"
            + " baseline_decay, entropy_weight, init_range, failure_reward, replicas, shards, max_staleness)");
  }
}
