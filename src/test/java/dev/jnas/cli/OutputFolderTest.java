package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment folder: nothing is made when it cannot be, and the reason is given in words. */
class OutputFolderTest {
  @TempDir Path dir;

  private Path config() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TabularSearchCliTest.config("random", 5, 0));
    return cfg;
  }

  @Test
  void aNameTooLongForTheFileSystemLeavesNoFolderBehind() throws Exception {
    Path out = dir.resolve("experiments").resolve("n".repeat(300));
    var r = CliRunner.run("search", "--config", config().toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is 300 bytes long; file systems allow at most 255");
    assertThat(dir.resolve("experiments")).doesNotExist();
  }

  @Test
  void aFolderThatCannotBeCreatedIsReportedWithTheReason() throws Exception {
    Files.writeString(dir.resolve("taken"), "a file, not a folder");
    Path out = dir.resolve("taken").resolve("exp");
    var r = CliRunner.run("search", "--config", config().toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("cannot create experiment folder " + out + ": ").contains("Not a directory");
    assertThat(Files.readString(dir.resolve("taken"))).isEqualTo("a file, not a folder");
  }

  @Test
  void aPathTheSystemRefusesHalfWayIsRemovedAgain() throws Exception {
    // every name is short enough, the whole path is not (Linux: 4,096 bytes)
    Path out = dir.resolve("experiments");
    for (int i = 0; i < 20; i++) {
      out = out.resolve(Character.toString('a' + i).repeat(250));
    }
    var r = CliRunner.run("search", "--config", config().toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("cannot create experiment folder").contains("File name too long");
    assertThat(dir.resolve("experiments")).doesNotExist();
  }
}
