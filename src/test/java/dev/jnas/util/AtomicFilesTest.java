package dev.jnas.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void replacesContentAndLeavesNoTemporary() throws Exception {
    Path f = dir.resolve("sub").resolve("summary.json");
    AtomicFiles.write(f, "old".getBytes());
    AtomicFiles.writeJson(f, Json.MAPPER.createObjectNode().put("a", 1));
    assertThat(Json.MAPPER.readTree(f.toFile()).get("a").asInt()).isEqualTo(1);
    try (var s = Files.list(f.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("summary.json");
    }
  }

  @Test
  void failureNamesTheFileAndKeepsTheOldContent() throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    // a file where the parent folder should be
    assertThatThrownBy(() -> AtomicFiles.write(blocker.resolve("a.json"), new byte[] {1}))
        .isInstanceOf(NasException.class)
        .hasMessageContaining(blocker.resolve("a.json").toString());
    assertThat(Files.readString(blocker)).isEqualTo("x");
  }

  @Test
  void describesAccessDeniedInWords() {
    assertThat(AtomicFiles.describe(new AccessDeniedException("/x/y"))).isEqualTo("permission denied: /x/y");
  }
}
