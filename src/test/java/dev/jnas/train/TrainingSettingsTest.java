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

  @Test
  void theScheduleIsCosineStepOrConstantAndTheOlderCosineFlagAgrees() throws Exception {
    assertThat(Json.YAML.readValue("schedule: step\n", TrainingSettings.class).schedule()).isEqualTo(TrainingSettings.Schedule.STEP);
    TrainingSettings constant = Json.YAML.readValue("cosine: false\n", TrainingSettings.class);
    assertThat(constant.schedule()).isEqualTo(TrainingSettings.Schedule.CONSTANT);
    assertThat(TrainingSettings.DEFAULTS.schedule()).isEqualTo(TrainingSettings.Schedule.COSINE);
    assertThatThrownBy(() -> Json.YAML.readValue("schedule: linear\n", TrainingSettings.class))
        .hasMessageContaining("training.schedule 'linear' is unknown (valid: cosine, step, constant)");
    assertThatThrownBy(() -> Json.YAML.readValue("schedule: step\ncosine: true\n", TrainingSettings.class))
        .hasMessageContaining("disagree");
    TrainingSettings step = TrainingSettings.DEFAULTS.withLearningRate(0.1).withSchedule(TrainingSettings.Schedule.STEP);
    assertThat(step.cosine()).isFalse();
    assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(step), TrainingSettings.class)).isEqualTo(step);
    // divided by 10 after half and after three quarters of the 100 steps
    var lr = step.learningRates(100);
    assertThat(lr.getNewValue(10)).isCloseTo(0.1f, org.assertj.core.api.Assertions.within(1e-7f));
    assertThat(lr.getNewValue(60)).isCloseTo(0.01f, org.assertj.core.api.Assertions.within(1e-7f));
    assertThat(lr.getNewValue(90)).isCloseTo(0.001f, org.assertj.core.api.Assertions.within(1e-7f));
    assertThat(TrainingSettings.DEFAULTS.withLearningRate(0.1).learningRates(100).getNewValue(100)).isCloseTo(0f,
        org.assertj.core.api.Assertions.within(1e-6f));
  }
}
