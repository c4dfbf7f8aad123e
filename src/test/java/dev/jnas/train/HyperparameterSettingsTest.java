package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HyperparameterSettingsTest {
  private static Map<String, String> values(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void valuesOverrideTheSettingOfTheirOwnName() {
    TrainingSettings base = TrainingSettings.DEFAULTS;
    TrainingSettings s = HyperparameterSettings.apply(values(
        "learning_rate", "0.2", "weight_decay", "0.0001", "batch_size", "64", "schedule", "step", "epochs", "3",
        "label_smoothing", "0.1", "augment", "true"), base);
    assertThat(s.learningRate()).isEqualTo(0.2);
    assertThat(s.weightDecay()).isEqualTo(1e-4);
    assertThat(s.batchSize()).isEqualTo(64);
    assertThat(s.schedule()).isEqualTo(TrainingSettings.Schedule.STEP);
    assertThat(s.epochs()).isEqualTo(3);
    assertThat(s.labelSmoothing()).isEqualTo(0.1);
    assertThat(s.augment()).isTrue();
    // the split is the evaluator's, never a trial's
    assertThat(s.valFraction()).isEqualTo(base.valFraction());
  }

  @Test
  void theOptimizerPicksTheSgdVariantAndNestedMomentumOverridesIt() {
    TrainingSettings base = TrainingSettings.DEFAULTS; // momentum 0.9, nesterov
    TrainingSettings plain = HyperparameterSettings.apply(values("optimizer", "sgd"), base);
    assertThat(plain.momentum()).isZero();
    assertThat(plain.nesterov()).isFalse();
    TrainingSettings heavy = HyperparameterSettings.apply(values("optimizer", "momentum", "optimizer.momentum.momentum", "0.7"), base);
    assertThat(heavy.momentum()).isEqualTo(0.7);
    assertThat(heavy.nesterov()).isFalse();
    TrainingSettings nag = HyperparameterSettings.apply(values("optimizer", "nesterov", "optimizer.nesterov.momentum", "0.95"), base);
    assertThat(nag.momentum()).isEqualTo(0.95);
    assertThat(nag.nesterov()).isTrue();
    assertThatThrownBy(() -> HyperparameterSettings.apply(values("optimizer", "adam"), base))
        .isInstanceOf(BadInputException.class).hasMessageContaining("adam is not supported");
    assertThatThrownBy(() -> HyperparameterSettings.apply(values("dropout", "0.1"), base))
        .hasMessageContaining("'dropout' does not reach training");
  }

  @Test
  void everyOptionIsCheckedAgainstTheTrainingSettingsNamingItsField() {
    HyperparameterSpace ok = HyperparameterSpace.fromParams(DeclarativeSpaces.yaml(
        "parameters: {learning_rate: {log_uniform: [0.001, 0.1]}, optimizer: {choice: {sgd: {}, nesterov: {momentum: {uniform: [0.5, 0.99]}}}}}"));
    HyperparameterSettings.check(ok, TrainingSettings.DEFAULTS);
    HyperparameterSpace negative = HyperparameterSpace.fromParams(DeclarativeSpaces.yaml(
        "parameters: {learning_rate: {normal: [0.05, 0.05]}}"));
    assertThatThrownBy(() -> HyperparameterSettings.check(negative, TrainingSettings.DEFAULTS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'parameters.learning_rate' option '-")
        .hasMessageContaining("training.learning_rate must be a positive number");
  }
}
