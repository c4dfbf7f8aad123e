package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by the jnas before early stopping (PRUNED) existed, checked in as it was
 * written (a 4-trial training search on synthetic images): it is shown and continued as before.
 */
class OldStoreCliTest {
  static final String GOLDEN = "/golden/experiment-before-early-stopping.db";
  @TempDir Path dir;

  @Test
  void aStoreFromBeforeEarlyStoppingIsShownAndExtended() throws Exception {
    Path exp = dir.resolve("old");
    Files.createDirectories(exp);
    try (InputStream in = OldStoreCliTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as("test resource %s", GOLDEN).isNotNull();
      Files.copy(in, exp.resolve("experiment.db"));
    }
    var show = CliRunner.run("show", exp.toString(), "--json");
    assertThat(show.exitCode()).as(show.err()).isZero();
    JsonNode o = Json.MAPPER.readTree(show.out());
    assertThat(o.path("status").asText()).isEqualTo("FINISHED");
    assertThat(o.path("trials")).hasSize(4).allSatisfy(t -> assertThat(t.path("status").asText()).isEqualTo("COMPLETE"));
    assertThat(o.path("config").has("early_stopping")).isFalse();

    var r = CliRunner.run("resume", exp.toString(), "--extend", "trials=2", "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode after = Json.MAPPER.readTree(CliRunner.run("show", exp.toString(), "--json").out());
    assertThat(after.path("trials")).hasSize(6).allSatisfy(t -> assertThat(t.path("status").asText()).isEqualTo("COMPLETE"));
    // the four old trials are unchanged
    for (int i = 0; i < 4; i++) {
      assertThat(after.path("trials").get(i)).isEqualTo(o.path("trials").get(i));
    }
  }
}
