package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: a clear message, exit code 2, and nothing already stored is touched. */
class BadInputTest {
  @TempDir Path dir;
  Path existing;
  Map<String, Long> before;

  @BeforeEach
  void existingExperimentFolder() throws IOException {
    existing = dir.resolve("old");
    Files.createDirectories(existing);
    Files.writeString(existing.resolve("summary.json"), "{\"keep\": true}");
    before = snapshot(existing);
  }

  private static Map<String, Long> snapshot(Path d) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(d.relativize(p).toString(), Files.size(p) * 31 + Files.readString(p).hashCode());
      }
    }
    return m;
  }

  private CliRunner.Result search(String yaml) throws IOException {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, yaml);
    CliRunner.Result r = CliRunner.run("search", "--config", cfg.toString(), "--output", existing.toString(), "--quiet");
    assertThat(snapshot(existing)).isEqualTo(before);
    return r;
  }

  static final String GOOD =
      """
      name: t
      seed: 1
      space: nasbench201
      strategy: random
      evaluator: {type: tabular, benchmark: nasbench201, data: DATA, metric: cifar10-val}
      budget: {max_trials: 5}
      """;

  @Test
  void malformedYamlNamesTheLine() throws IOException {
    var r = search("name: t\nspace: [unclosed\nstrategy: random\n");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("c.yaml:").contains("malformed YAML");
  }

  @Test
  void unknownFieldIsNamedWithValidOnes() throws IOException {
    var r = search(GOOD + "colour: blue\n");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown field 'colour'").contains("budget").contains("strategy");
  }

  @Test
  void unknownSpaceListsValidSpaces() throws IOException {
    var r = search(GOOD.replace("space: nasbench201", "space: nasbench999"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown search space 'nasbench999'").contains("nasbench201");
  }

  @Test
  void unknownStrategyIsRejected() throws IOException {
    var r = search(GOOD.replace("strategy: random", "strategy: simulated-annealing"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown strategy 'simulated-annealing'");
  }

  @Test
  void missingBudgetIsRejected() throws IOException {
    var r = search(GOOD.replace("budget: {max_trials: 5}", ""));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("budget");
  }

  static final String TRAINING =
      """
      name: t
      space: {name: nasrl-macro, params: {layers: 2}}
      strategy: random
      evaluator: {type: training, dataset: fashion-mnist, data_dir: "DIR"}
      budget: {max_trials: 1}
      """;

  @Test
  void missingDataFolderIsNamed() throws IOException {
    Path missing = dir.resolve("no-such-folder");
    var r = search(TRAINING.replace("DIR", missing.toString()));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(missing.toString());
  }

  @Test
  void truncatedIdxFileIsNamed() throws IOException {
    Path data = dir.resolve("fm");
    Files.createDirectories(data);
    // a valid header announcing 100 images of 28x28, but only 10 bytes of pixels
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 10);
    b.putInt(0x00000803).putInt(100).putInt(28).putInt(28);
    Files.write(data.resolve("train-images-idx3-ubyte"), b.array());
    java.nio.ByteBuffer l = java.nio.ByteBuffer.allocate(8 + 100);
    l.putInt(0x00000801).putInt(100);
    Files.write(data.resolve("train-labels-idx1-ubyte"), l.array());
    Files.write(data.resolve("t10k-images-idx3-ubyte"), b.array());
    Files.write(data.resolve("t10k-labels-idx1-ubyte"), l.array());
    var r = search(TRAINING.replace("DIR", data.toString()));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("train-images-idx3-ubyte").contains("truncated");
  }

  @Test
  void badSpaceParameterIsNamed() throws IOException {
    var r = search(TRAINING.replace("{layers: 2}", "{layers: 2, filtres: [3]}").replace("DIR", dir.toString()));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("filtres").contains("filters");
  }

  @Test
  void unknownTrainingSettingIsNamed() throws IOException {
    var r = search(TRAINING.replace("data_dir: \"DIR\"", "training: {learning_rat: 0.1}"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("learning_rat");
  }

  @Test
  void missingConfigFile() {
    var r = CliRunner.run("search", "--config", dir.resolve("nope.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("nope.yaml does not exist");
  }

  @Test
  void unknownFlagAndCommand() {
    assertThat(CliRunner.run("search", "--frobnicate").exitCode()).isEqualTo(2);
    var r = CliRunner.run("serach");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("serach");
  }

  @Test
  void resumeOfAFolderWithoutExperiment() throws IOException {
    var r = CliRunner.run("resume", existing.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no experiment in");
    assertThat(snapshot(existing)).isEqualTo(before);
  }

  @Test
  void showOfAMissingFolder() {
    var r = CliRunner.run("show", dir.resolve("missing").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("does not exist");
  }
}
