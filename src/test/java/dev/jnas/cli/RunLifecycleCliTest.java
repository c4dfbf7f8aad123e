package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.store.SqliteTrialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment's life as the CLI shows it: finished, extended, interrupted, failed, logged. */
class RunLifecycleCliTest {
  @TempDir Path dir;

  private Path config(int trials, int delayMs) throws IOException {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TabularSearchCliTest.config("evolution", trials, delayMs));
    return cfg;
  }

  static Map<String, Long> files(Path d) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(d.relativize(p).toString(), Files.size(p) * 31 + java.util.Arrays.hashCode(Files.readAllBytes(p)));
      }
    }
    return m;
  }

  @Test
  void resumingAFinishedExperimentChangesNothingAndExtendAddsTrials() throws Exception {
    Path out = dir.resolve("exp");
    assertThat(CliRunner.run("search", "--config", config(30, 0).toString(), "--output", out.toString(), "--quiet").exitCode()).isZero();
    var before = files(out);

    var again = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("has finished (30 trials); nothing to do").contains("--extend trials=N");
    assertThat(files(out)).isEqualTo(before);

    var more = CliRunner.run("resume", out.toString(), "--quiet", "--extend", "trials=10");
    assertThat(more.exitCode()).as(more.err()).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openExisting(out)) {
      assertThat(s.trials()).hasSize(40);
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
    }
    var bad = CliRunner.run("resume", out.toString(), "--extend", "hours=3");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown budget 'hours'");
    assertThat(CliRunner.run("resume", out.toString(), "--extend", "trials=0").exitCode()).isEqualTo(2);
  }

  @Test
  void allTrialsFailedExitsNonZeroWithTheCommonError() throws Exception {
    Path table = dir.resolve("t.json");
    // keys of a two-position space where the metric exists only for one key: every other key is INVALID
    Files.writeString(table, "{\"00\": {\"acc\": 1.0}, \"01\": {\"other\": 2.0}, \"10\": {\"other\": 2.0}, \"11\": {\"other\": 2.0}}");
    Path cfg = dir.resolve("f.yaml");
    Files.writeString(cfg, """
        name: f
        space: table
        strategy: {name: grid}
        evaluator: {type: tabular, benchmark: table, data: t.json, metric: other}
        budget: {max_trials: 1}
        """);
    Path out = dir.resolve("f");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("all 1 trials failed").contains("most common error (1 of 1)");
    assertThat(r.out()).doesNotContain("best/");
    assertThat(out.resolve("best")).doesNotExist();
  }

  private Process child(Path cfg, Path out, Path log, String... extraEnv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            "dev.jnas.cli.Main", "search", "--config", cfg.toString(), "--output", out.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    for (int i = 0; i + 1 < extraEnv.length; i += 2) {
      pb.environment().put(extraEnv[i], extraEnv[i + 1]);
    }
    return pb.start();
  }

  @Test
  void ctrlCStopsCleanlyAndSaysHowToResume() throws Exception {
    Path out = dir.resolve("exp");
    Path log = dir.resolve("child.log");
    Process p = child(config(200, 40), out, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !Files.readString(log).contains("trial ")) {
      Thread.sleep(100);
    }
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(130);
    String text = Files.readString(log);
    assertThat(text).contains("interrupted; finished trials are stored. Resume with: jnas resume " + out);
    try (SqliteTrialStore s = SqliteTrialStore.openExisting(out)) {
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("INTERRUPTED");
    }
    var r = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openExisting(out)) {
      assertThat(s.trials()).hasSize(200);
    }
  }

  @Test
  void withoutATerminalProgressIsPlainLines() throws Exception {
    Path out = dir.resolve("exp");
    Path log = dir.resolve("child.log");
    Process p = child(config(12, 50), out, log);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(log);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).doesNotContain("\r").doesNotContain("\033[");
    assertThat(text).contains("search: 0 trials finished before, up to 12 in all").contains("trial 0");
  }

  @Test
  void launcherInstallsFashionMnistOnlyWhenTheParsedConfigTrainsOnIt() throws IOException {
    Path debian = dir.resolve("debian-fashion-mnist"); // absent, as on a fresh machine
    String base = """
        name: t
        space: nasbench201
        strategy: random
        evaluator: {type: training, dataset: DATASET}
        budget: {max_trials: 1}
        """;
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, base.replace("DATASET", "fashion-mnist"));
    assertThat(NeedsDataCommand.needsDebianFashionMnist(ExperimentConfig.load(cfg), debian)).isTrue();
    // named only in a comment
    Files.writeString(cfg, "# like the fashion-mnist example\n" + base.replace("DATASET", "synthetic"));
    assertThat(NeedsDataCommand.needsDebianFashionMnist(ExperimentConfig.load(cfg), debian)).isFalse();
    // Fashion-MNIST, but from another folder
    Files.writeString(cfg, base.replace("DATASET", "fashion-mnist, data_dir: my-copy"));
    assertThat(NeedsDataCommand.needsDebianFashionMnist(ExperimentConfig.load(cfg), debian)).isFalse();
    Files.createDirectories(debian);
    Files.writeString(cfg, base.replace("DATASET", "fashion-mnist"));
    assertThat(NeedsDataCommand.needsDebianFashionMnist(ExperimentConfig.load(cfg), debian)).isFalse();
  }
}
