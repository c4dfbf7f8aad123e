package dev.jnas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In this JVM; another process holding the lock (and dying with kill -9) is tested in RunLockTest. */
class ExperimentLockTest {
  @TempDir Path dir;

  @Test
  void oneHolderAtATimeAndReleasedOnClose() throws Exception {
    assertThat(ExperimentLock.isHeld(dir)).isFalse();
    assertThat(dir.resolve(ExperimentLock.FILE_NAME)).as("probing creates nothing").doesNotExist();
    try (ExperimentLock lock = ExperimentLock.acquire(dir)) {
      assertThat(ExperimentLock.isHeld(dir)).isTrue();
      // the same folder through another path spelling
      assertThat(ExperimentLock.isHeld(dir.resolve("sub").resolve(".."))).isTrue();
      assertThatThrownBy(() -> ExperimentLock.acquire(dir))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("is in use by this process")
          .hasMessageContaining(dir.toString());
      assertThat(Files.readString(dir.resolve(ExperimentLock.FILE_NAME)))
          .startsWith("process " + ProcessHandle.current().pid() + "@");
    }
    assertThat(ExperimentLock.isHeld(dir)).isFalse();
    try (ExperimentLock again = ExperimentLock.acquire(dir)) {
      assertThat(ExperimentLock.isHeld(dir)).isTrue();
    }
  }

  @Test
  void aFolderThatCannotHoldTheLockFileIsNamedWithTheReason() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> ExperimentLock.acquire(missing))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cannot lock experiment folder " + missing)
        .hasMessageContaining("no such file or folder");
  }

  @Test
  void aWritableStoreHoldsTheLockUntilClosed() {
    try (SqliteTrialStore s = SqliteTrialStore.create(dir, "x", "{}", "{}")) {
      assertThat(ExperimentLock.isHeld(dir)).isTrue();
      assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir)).hasMessageContaining("is in use");
      // reading is never refused
      try (SqliteTrialStore r = SqliteTrialStore.openReadOnly(dir)) {
        assertThat(r.experiment()).isPresent();
      }
    }
    assertThat(ExperimentLock.isHeld(dir)).isFalse();
    SqliteTrialStore.openExisting(dir).close();
  }
}
