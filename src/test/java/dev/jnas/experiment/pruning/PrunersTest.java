package dev.jnas.experiment.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.ConfigException;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrunersTest {

  private static com.fasterxml.jackson.databind.JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void namesAndParamsBuildTheirPruners() {
    assertThat(Pruners.create(null, 10)).isNull();
    assertThat(Pruners.create(Json.MAPPER.getNodeFactory().nullNode(), 10)).isNull();
    assertThat(Pruners.create(Json.MAPPER.getNodeFactory().textNode("median"), 10)).isEqualTo(new MedianPruner(5, 0, 1));
    assertThat(Pruners.create(yaml("{name: median, params: {startup_trials: 3, warmup_epochs: 2, min_trials: 2}}"), 10))
        .isEqualTo(new MedianPruner(3, 2, 2));
    assertThat(Pruners.create(yaml("{name: curve}"), 10)).isEqualTo(new CurveFitPruner(3, 0.95));
    assertThat(Pruners.create(yaml("{name: curve, params: {start_epoch: 5, threshold: 0.9}}"), 10))
        .isEqualTo(new CurveFitPruner(5, 0.9));
    assertThat(Pruners.create(yaml("{name: successive_halving, params: {min_epochs: 2, eta: 2}}"), 10))
        .isEqualTo(new SuccessiveHalvingPruner(2, 2, 0));
    assertThat(Pruners.create(yaml("hyperband"), 10)).isEqualTo(new HyperbandPruner(1, 3));
    // budget not known yet: the epoch checks wait
    assertThat(Pruners.create(yaml("{name: curve, params: {start_epoch: 50}}"), 0)).isEqualTo(new CurveFitPruner(50, 0.95));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "lazy | early_stopping | 'lazy' is unknown (valid: median, curve, successive_halving, hyperband)",
    "{name: lazy} | early_stopping.name | 'lazy' is unknown",
    "{name: median, params: {warmup: 1}} | early_stopping.params.warmup | unknown parameter 'warmup'",
    "{name: median, params: {warmup_epochs: 9}} | early_stopping.params.warmup_epochs | at most 8",
    "{name: median, params: {startup_trials: -1}} | early_stopping.params.startup_trials | an integer >= 0",
    "{name: median, params: {startup_trials: 1.5}} | early_stopping.params.startup_trials | must be",
    "{name: curve, params: {threshold: 1.5}} | early_stopping.params.threshold | a number in (0, 1]",
    "{name: curve, params: {start_epoch: 2}} | early_stopping.params.start_epoch | an integer >= 3",
    "{name: curve, params: {start_epoch: 10}} | early_stopping.params.start_epoch | at most 9",
    "{name: successive_halving, params: {eta: 1}} | early_stopping.params.eta | an integer >= 2",
    "{name: successive_halving, params: {min_epochs: 10}} | early_stopping.params.min_epochs | at most 9",
    "{name: successive_halving, params: {min_epochs: 2, min_early_stopping_rate: 2}} | early_stopping.params.min_early_stopping_rate | no rung",
    "{name: hyperband, params: {min_epochs: 0}} | early_stopping.params.min_epochs | an integer >= 1",
    "{class: com.acme.P} | early_stopping.class | is not supported",
    "{name: median, extra: 1} | early_stopping.extra | unknown",
    "[median] | early_stopping | must be a name or an object",
  })
  void badValuesNameTheirField(String section, String field, String message) {
    assertThatThrownBy(() -> Pruners.create(yaml(section), 10))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @Test
  void curvesNeedTrialsLongerThanThreeEpochs() {
    assertThatThrownBy(() -> Pruners.create(yaml("curve"), 3))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'start_epoch' must be in [3, 2], which no value is (trials train 3 epochs");
  }

  @Test
  void oneEpochTrialsHaveNothingToStop() {
    assertThatThrownBy(() -> Pruners.create(yaml("median"), 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 2 epochs");
  }
}
