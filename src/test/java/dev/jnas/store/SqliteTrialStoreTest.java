package dev.jnas.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTrialStoreTest extends TrialStoreContract {
  @TempDir Path dir;

  @Override
  protected TrialStore newStore() {
    return SqliteTrialStore.open(dir);
  }

  @Override
  protected TrialStore reopen(TrialStore s) {
    s.close();
    return SqliteTrialStore.openExisting(dir);
  }

  @Test
  void refusesAFolderWithoutExperiment() {
    assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir.resolve("nope")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no experiment in");
  }

  @Test
  void refusesAFileThatIsNotAnExperimentDatabase() throws Exception {
    Files.writeString(dir.resolve(SqliteTrialStore.FILE_NAME), "not sqlite at all, just text");
    assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir)).isInstanceOf(BadInputException.class);
  }
}
