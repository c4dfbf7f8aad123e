package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.jnas.evaluate.RewardTransform;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {
  @Test
  void missingFieldsTakeTheDefaults() throws Exception {
    TrainingSettings s = Json.YAML.readValue("epochs: 3\nlearning_rate: 0.1\nreward: max-accuracy\n", TrainingSettings.class);
    assertThat(s.epochs()).isEqualTo(3);
    assertThat(s.learningRate()).isEqualTo(0.1);
    assertThat(s.reward()).isEqualTo(RewardTransform.MAX_ACCURACY);
    assertThat(s.batchSize()).isEqualTo(128);
    assertThat(s.nesterov()).isTrue();
    assertThat(s.valFraction()).isEqualTo(0.1);
    assertThat(s.evalTest()).isFalse();
  }

  @Test
  void roundTripsThroughJson() throws Exception {
    TrainingSettings s = TrainingSettings.DEFAULTS.withLabelSmoothing(0.1).withTrainSubset(5000);
    String json = Json.MAPPER.writeValueAsString(s);
    assertThat(json).contains("\"batch_size\"", "\"label_smoothing\"", "\"train_subset\"", "\"eval_test\"");
    assertThat(Json.MAPPER.readValue(json, TrainingSettings.class)).isEqualTo(s);
  }

  @Test
  void badValuesNameTheField() {
    assertThatThrownBy(() -> Json.YAML.readValue("val_fraction: 1.5\n", TrainingSettings.class))
        .isInstanceOf(JsonMappingException.class)
        .hasMessageContaining("training.val_fraction must be in [0, 1), got 1.5");
    assertThatThrownBy(() -> Json.YAML.readValue("epoch: 3\n", TrainingSettings.class))
        .hasMessageContaining("epoch");
  }
}
