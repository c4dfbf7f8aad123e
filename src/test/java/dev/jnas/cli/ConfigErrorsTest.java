package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config errors as a user meets them: each names the file, the line and the field's full path,
 * exits 2, and creates nothing (not even the experiments folder).
 */
class ConfigErrorsTest {
  @TempDir Path dir;

  static final String GOOD =
      """
      name: t
      seed: 1
      space: nasbench201
      strategy: random
      evaluator:
        type: tabular
        benchmark: nasbench201
        data: DATA
        metric: cifar10-val
      budget:
        max_trials: 5
      """.replace("DATA", TabularSearchCliTest.NB201.toAbsolutePath().toString());

  private CliRunner.Result search(String yaml) throws IOException {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, yaml);
    Path out = dir.resolve("experiments").resolve("t");
    CliRunner.Result r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(dir.resolve("experiments")).as("nothing created for bad input").doesNotExist();
    assertThat(r.err()).doesNotContain("dev.jnas").doesNotContain("java.lang").doesNotContain("Exception");
    return r;
  }

  @Test
  void duplicateKeysAreErrors() throws IOException {
    assertThat(search(GOOD + "seed: 2\n").err()).contains("c.yaml:12:").contains("duplicate key 'seed'");
    var nested = search(GOOD.replace("  metric: cifar10-val\n", "  metric: cifar10-val\n  metric: cifar10-test\n"));
    assertThat(nested.err()).contains("c.yaml:10:").contains("duplicate key 'metric'");
  }

  @Test
  void fractionsWhereIntegersAreMeant() throws IOException {
    assertThat(search(GOOD.replace("seed: 1", "seed: 1.5")).err())
        .contains("c.yaml:2:").contains("'seed' must be an integer").contains("1.5");
    assertThat(search(GOOD.replace("max_trials: 5", "max_trials: 2.5")).err())
        .contains("c.yaml:11:").contains("'budget.max_trials' must be an integer");
  }

  @Test
  void hugeValuesAreBounded() throws IOException {
    assertThat(search(GOOD.replace("max_trials: 5", "max_minutes: 1e300")).err())
        .contains("c.yaml:11:").contains("'budget.max_minutes' must be in (0, ");
    assertThat(search(GOOD.replace("max_trials: 5", "max_trials: 99999999999")).err())
        .contains("'budget.max_trials' must be an integer within");
    assertThat(search(GOOD.replace("  metric: cifar10-val\n", "  metric: cifar10-val\n  delay_ms: 99999999\n")).err())
        .contains("c.yaml:10:").contains("'evaluator.delay_ms' must be in 0..");
  }

  @Test
  void typeErrorsSayWhatWasExpectedNotAJavaClass() throws IOException {
    assertThat(search(GOOD.replace("budget:\n  max_trials: 5\n", "budget: 5\n")).err())
        .contains("c.yaml:10:").contains("'budget' must be an object with fields max_trials, max_minutes, epochs");
    assertThat(search(GOOD.replace("  metric: cifar10-val\n", "  metric: cifar10-val\n  delay_ms: slow\n")).err())
        .contains("c.yaml:10:").contains("'evaluator.delay_ms' must be an integer").contains("'slow'");
  }

  @Test
  void nestedUnknownFieldsNameFileLineAndFullPath() throws IOException {
    String training =
        """
        name: t
        space: {name: nasrl-macro, params: {layers: 2}}
        strategy: random
        evaluator:
          type: training
          dataset: synthetic
          training:
            lr: 0.1
        budget: {max_trials: 1}
        """;
    var r = search(training);
    assertThat(r.err()).contains("c.yaml:8:").contains("unknown field 'evaluator.training.lr'").contains("learning_rate");
    var inEvaluator = search(GOOD.replace("  metric: cifar10-val\n", "  metric: cifar10-val\n  metrik: x\n"));
    assertThat(inEvaluator.err()).contains("c.yaml:10:").contains("unknown field 'evaluator.metrik'").contains("delay_ms");
  }

  @Test
  void spaceStrategyAndModelParameterErrorsNameTheirLine() throws IOException {
    String yaml = GOOD.replace("space: nasbench201", "space:\n  name: nasbench201\n  params:\n    cells_per_stage: 1\n    channels: -3");
    assertThat(search(yaml).err()).contains("c.yaml:7:").contains("'space.params.channels'").contains("channels");
    String strat = GOOD.replace("strategy: random", "strategy:\n  name: evolution\n  params:\n    population: 4\n    populaton: 3");
    assertThat(search(strat).err()).contains("c.yaml:8:").contains("'strategy.params.populaton'").contains("valid: population, sample");
    String model = """
        name: t
        space:
          name: declarative
          params:
            decisions:
              - {name: k, options: [3, 5]}
        model:
          layers:
            - conv: {kernel: $k, filters: 8}
            - conv: {kernel: 4, filters: 8}
        strategy: random
        evaluator: {type: training, dataset: synthetic, synthetic: {train: 40, test: 10, size: 8}}
        budget: {max_trials: 1}
        """;
    assertThat(search(model).err()).contains("c.yaml:10:").contains("layers[1].conv.kernel").contains("odd");
  }

  @Test
  void emptyConfigAndFolderGivenAsConfig() throws IOException {
    assertThat(search("# nothing here\n").err()).contains("is empty").contains("needs name, space, strategy");
    var folder = CliRunner.run("search", "--config", dir.toString());
    assertThat(folder.exitCode()).isEqualTo(2);
    assertThat(folder.err()).contains("is a folder");
  }

  @Test
  void tooLongNameIsRefusedBeforeAnyFolderIsMade() throws IOException {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, GOOD.replace("name: t", "name: " + "n".repeat(300)));
    // no --output: the default experiments/<name> under the working directory
    var r = CliRunner.run("search", "--config", cfg.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'name' is 300 characters long");
  }

  @Test
  void relativePathsResolveAgainstTheConfigFolder() throws IOException {
    Path sub = dir.resolve("configs");
    Files.createDirectories(sub);
    Files.copy(TabularSearchCliTest.NB201, sub.resolve("nb201.csv"));
    Path cfg = sub.resolve("c.yaml");
    Files.writeString(cfg, GOOD.replace(TabularSearchCliTest.NB201.toAbsolutePath().toString(), "nb201.csv"));
    Path out = dir.resolve("exp");
    // the working directory is not the config's folder: the table is still found
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    // and a resume from anywhere reads the same table
    Files.delete(out.resolve("summary.json"));
    assertThat(CliRunner.run("resume", out.toString(), "--quiet").exitCode()).isZero();
  }
}
