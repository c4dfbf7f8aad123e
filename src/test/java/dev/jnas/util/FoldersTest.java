package dev.jnas.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {
  @TempDir Path dir;

  @Test
  void aNameLongerThanTheFileSystemAllowsFailsBeforeAnyFolderIsMade() {
    Path target = dir.resolve("experiments").resolve("x".repeat(256));
    assertThatThrownBy(() -> Folders.create(target, "experiment folder"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("256 bytes long")
        .hasMessageContaining("at most 255");
    assertThat(dir.resolve("experiments")).doesNotExist();
    // bytes, not characters: 128 two-byte letters are 256 bytes
    assertThatThrownBy(() -> Folders.checkNames(dir.resolve("é".repeat(128)), "folder")).hasMessageContaining("256 bytes");
    Folders.checkNames(dir.resolve("x".repeat(255)), "folder");
  }

  @Test
  void aFailureHalfWayRemovesTheFoldersItMadeAndSaysWhy() throws Exception {
    // every name is allowed, but the whole path is longer than Linux accepts (4,096 bytes)
    Path target = dir.resolve("a");
    for (int i = 0; i < 20; i++) {
      target = target.resolve(Character.toString('b' + i).repeat(250));
    }
    Path deep = target;
    assertThatThrownBy(() -> Folders.create(deep, "experiment folder"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("cannot create experiment folder " + deep + ": ")
        .hasMessageContaining("File name too long");
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void aFileInTheWayIsNamedWithTheReason() throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    Path target = dir.resolve("file").resolve("sub");
    assertThatThrownBy(() -> Folders.create(target, "experiment folder"))
        .hasMessageStartingWith("cannot create experiment folder " + target + ": ")
        .hasMessageContaining("Not a directory");
  }

  @Test
  void undoRemovesOnlyWhatItMade() throws Exception {
    Path existing = dir.resolve("existing");
    Files.createDirectories(existing);
    Folders.Made made = Folders.create(existing.resolve("new").resolve("deeper"), "folder");
    Files.writeString(existing.resolve("new").resolve("deeper").resolve("f"), "x");
    made.undo();
    assertThat(existing).isDirectory();
    assertThat(existing.resolve("new")).doesNotExist();
    Folders.create(existing, "folder").undo();
    assertThat(existing).isDirectory();
  }
}
