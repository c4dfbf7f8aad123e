package dev.jnas.diagram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Writes a sample diagram of every space to {@code target/diagrams/}, for a person to open in a
 * browser; the checks are {@link ArchitectureDiagramTest}'s.
 */
class DiagramSamplesTest {
  @Test
  void writesSampleDiagrams() throws IOException {
    Path dir = Path.of("target", "diagrams");
    Files.createDirectories(dir);
    for (DiagramCases.Case c : DiagramCases.all()) {
      SearchSpace space = c.space();
      Architecture arch = space.sample(new SplittableRandom(7));
      String svg = ArchitectureDiagram.svg(space, arch);
      Path file = dir.resolve(c.name() + ".svg");
      Files.writeString(file, svg);
      assertThat(file).isNotEmptyFile();
    }
  }
}
