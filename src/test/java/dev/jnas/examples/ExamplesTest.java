package dev.jnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs in {@code examples/java/} compile against jnas and run as a reader runs them
 * ({@code java -cp target/jnas.jar examples/java/X.java}), here with the build's class path, so
 * they cannot rot.
 */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("examples", "java");
  @TempDir Path dir;

  static String run(Path source, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), source.toString()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("example", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    String out = Files.readString(log);
    Files.delete(log);
    assertThat(done).as("example still running: " + out).isTrue();
    assertThat(p.exitValue()).as(source + " failed:\n" + out).isZero();
    return out;
  }

  @Test
  void embeddedSearchWithOwnEvaluatorRunsAndContinues() throws Exception {
    Path folder = dir.resolve("embedded");
    String out = run(EXAMPLES.resolve("EmbeddedSearch.java"), folder.toString());
    assertThat(out).contains("trial 5").contains("best: |");
    assertThat(folder.resolve("experiment.db")).isRegularFile();
    // run again: the finished experiment is read back, not searched again
    String again = run(EXAMPLES.resolve("EmbeddedSearch.java"), folder.toString());
    assertThat(again.lines().filter(l -> l.startsWith("best: ")).findFirst())
        .isEqualTo(out.lines().filter(l -> l.startsWith("best: ")).findFirst());
  }

  @Test
  void ownSpaceWithOwnDjlModelSearchesAndRetrains() throws Exception {
    Path folder = dir.resolve("custom");
    String out = run(EXAMPLES.resolve("CustomSpaceSearch.java"), folder.toString());
    assertThat(out).contains("trial 4").contains("best: blocks=").contains("test accuracy of the retrained best: ");
    // the space's own constraint holds: no trial has 3 blocks of width 16
    assertThat(out).doesNotContain("{blocks=3, width=16");
    assertThat(folder.resolve("best/model.json")).isRegularFile();
  }

  @Test
  void askTellEvaluatesInTheCallersOwnLoop() throws Exception {
    Path folder = dir.resolve("asktell");
    String out = run(EXAMPLES.resolve("AskTellSearch.java"), folder.toString());
    assertThat(out).containsPattern("40 trials; best \\{optimizer=\\w+, learning_rate=[0-9.]+, .*\\}: validation accuracy 0\\.[5-9]");
    // momentum is part of a trial only when the optimizer is SGD
    assertThat(out.contains("optimizer=adagrad") && out.contains("momentum")).isFalse();
  }
}
