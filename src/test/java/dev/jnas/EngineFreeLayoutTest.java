package dev.jnas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Spaces, strategies, evaluation contracts, the experiment loop and the store must not depend on
 * DJL, so they can be used and tested without an engine (NNI's space/strategy/execution split).
 */
class EngineFreeLayoutTest {
  private static final List<String> ENGINE_FREE =
      List.of("space", "strategy", "evaluate", "experiment", "store", "util", "report", "data/text", "diagram", "view", "web");
  /** Sub-packages allowed to use the engine (the RL controller is a DJL network). */
  private static final List<String> ENGINE_ALLOWED = List.of("strategy/rl");

  @Test
  void engineFreePackagesDoNotImportDjl() throws IOException {
    Path root = Path.of("src/main/java/dev/jnas");
    assertThat(root).isDirectory();
    int checked = 0;
    for (String pkg : ENGINE_FREE) {
      try (Stream<Path> files = Files.walk(root.resolve(pkg))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String rel = root.relativize(f).toString();
          if (ENGINE_ALLOWED.stream().anyMatch(rel::startsWith)) {
            continue;
          }
          checked++;
          assertThat(Files.readString(f)).as(rel).doesNotContain("import ai.djl").doesNotContain("ai.djl.");
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }
}
