package dev.jnas.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.util.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which snapshot parameters a resumed experiment's strategy takes over (the CLI test runs a whole resume). */
class StrategyPinningTest {
  /** The predictor's parameters newer than its first snapshots, as a snapshot of today writes them. */
  private static final String NEWER =
      ", \"restart_after\": 4, \"reuse\": false, \"restart_initial\": 10, \"restart_settled\": true,"
          + " \"initial_design\": \"balanced\"";

  private static ExperimentConfig config(String strategy) {
    return ExperimentConfig.fromJson(
        "{\"name\": \"x\", \"space\": \"nasbench201\", \"strategy\": " + strategy + ", \"evaluator\": {\"type\": \"tabular\"}, \"budget\": {\"max_trials\": 5}}");
  }

  private static Optional<String> snapshot(String strategy, String params) {
    return Optional.of("{\"seq\": 7, \"strategy\": {\"strategy\": \"" + strategy + "\", \"params\": " + params + ", \"seen\": []}}");
  }

  @Test
  void parametersTheConfigLeavesOutComeFromTheSnapshot() throws Exception {
    ExperimentConfig c = config("{\"name\": \"predictor\", \"params\": {\"steps\": 100, \"log_scale\": 1}}");
    ExperimentConfig p =
        StrategyPinning.pin(c, snapshot("predictor", "{\"steps\": 100, \"log_scale\": 1.0, \"target\": \"raw\"" + NEWER + "}"));
    assertThat(p.strategyName()).isEqualTo("predictor");
    assertThat(p.strategyParams())
        .isEqualTo(Json.MAPPER.readTree("{\"steps\": 100, \"log_scale\": 1.0, \"target\": \"raw\"" + NEWER + "}"));
    // a config that names only the strategy takes all of them
    assertThat(StrategyPinning.pin(config("\"predictor\""), snapshot("predictor", "{\"target\": \"raw\"" + NEWER + "}")).strategyParams())
        .isEqualTo(Json.MAPPER.readTree("{\"target\": \"raw\"" + NEWER + "}"));
  }

  @Test
  void nothingIsTakenWhereTheSnapshotDisagreesOrIsNotThisStrategys() {
    ExperimentConfig c = config("{\"name\": \"predictor\", \"params\": {\"steps\": 100}}");
    assertThat(StrategyPinning.pin(c, snapshot("predictor", "{\"steps\": 200, \"target\": \"raw\"}"))).isSameAs(c);
    assertThat(StrategyPinning.pin(c, snapshot("predictor", "{\"target\": \"raw\"}"))).isSameAs(c);
    assertThat(StrategyPinning.pin(c, snapshot("local", "{\"steps\": 100}"))).isSameAs(c);
    assertThat(StrategyPinning.pin(c, Optional.empty())).isSameAs(c);
    assertThat(StrategyPinning.pin(c, Optional.of("not json"))).isSameAs(c);
    assertThat(StrategyPinning.pin(c, Optional.of("{\"seq\": 1, \"strategy\": {\"strategy\": \"predictor\"}}"))).isSameAs(c);
    // the same parameters: the config as it is
    ExperimentConfig all = config("{\"name\": \"predictor\", \"params\": {\"steps\": 100" + NEWER + "}}");
    assertThat(StrategyPinning.pin(all, snapshot("predictor", "{\"steps\": 100" + NEWER + "}"))).isSameAs(all);
  }

  /**
   * A snapshot written before the predictor had {@code restart_after} and {@code reuse} ran without
   * restarts and without reuse: the resumed search gets those values, not today's defaults, and
   * a config that sets one of them otherwise keeps its own parameters.
   */
  @Test
  void parametersNewerThanTheSnapshotTakeTheValuesItRanWith() throws Exception {
    ExperimentConfig c = config("{\"name\": \"predictor\", \"params\": {\"steps\": 100}}");
    assertThat(StrategyPinning.pin(c, snapshot("predictor", "{\"steps\": 100, \"target\": \"raw\"}")).strategyParams())
        .isEqualTo(Json.MAPPER.readTree("{\"steps\": 100, \"target\": \"raw\", \"restart_after\": 0, \"reuse\": false,"
            + " \"restart_initial\": 0, \"restart_settled\": false, \"initial_design\": \"random\"}"));
    ExperimentConfig withReuse = config("{\"name\": \"predictor\", \"params\": {\"steps\": 100, \"reuse\": true}}");
    assertThat(StrategyPinning.pin(withReuse, snapshot("predictor", "{\"steps\": 100, \"target\": \"raw\"}"))).isSameAs(withReuse);
    // a strategy without newer parameters takes the snapshot's as they are
    ExperimentConfig local = config("\"local\"");
    assertThat(StrategyPinning.pin(local, snapshot("local", "{\"max_neighbours\": 3}")).strategyParams())
        .isEqualTo(Json.MAPPER.readTree("{\"max_neighbours\": 3}"));
  }
}
