package dev.jnas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.evaluate.TrialResult;
import dev.jnas.testing.FolderContents;
import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
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

  @Test
  void commitsWaitForTheDisk() throws Exception {
    try (SqliteTrialStore s = SqliteTrialStore.create(dir, "x", "{}", "{}")) {
      assertThat(pragma(s.connection(), "synchronous")).isEqualTo("2"); // FULL
      assertThat(pragma(s.connection(), "journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void createBuildsTheWholeStoreBeforeItAppears() throws Exception {
    try (SqliteTrialStore s = SqliteTrialStore.create(dir, "x", "{\"a\":1}", "{\"p\":2}")) {
      assertThat(s.experiment().orElseThrow().config()).isEqualTo("{\"a\":1}");
    }
    assertThat(FolderContents.names(dir)).containsExactly(SqliteTrialStore.FILE_NAME, ExperimentLock.FILE_NAME);
    assertThatThrownBy(() -> SqliteTrialStore.create(dir, "x", "{}", "{}")).hasMessageContaining("already holds an experiment");
  }

  @Test
  void aCreationKilledHalfWayLeavesAFolderThatASearchReusesAndResumeExplains() throws Exception {
    // what a process killed while building the store leaves: the temporary file, schema without
    // experiment row, and its log
    Path tmp = dir.resolve(SqliteTrialStore.CREATING);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
    }
    Files.writeString(dir.resolve(SqliteTrialStore.CREATING + "-journal"), "torn");
    assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no experiment in " + dir)
        .hasMessageContaining("stopped while creating it: run the search again");
    SqliteTrialStore.checkNew(dir);
    SqliteTrialStore.create(dir, "x", "{}", "{}").close();
    assertThat(FolderContents.names(dir)).containsExactly(SqliteTrialStore.FILE_NAME, ExperimentLock.FILE_NAME);
    SqliteTrialStore.openExisting(dir).close();
  }

  @Test
  void anEmptyStoreLeftByAnOlderJnasIsReplacedBySearchAndExplainedByResume() {
    SqliteTrialStore.open(dir).close(); // schema, no experiment row: what jnas before atomic creation could leave
    assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir))
        .hasMessageContaining("holds no experiment")
        .hasMessageContaining("run the search again into this folder");
    SqliteTrialStore.create(dir, "x", "{}", "{}").close();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      assertThat(s.experiment().orElseThrow().name()).isEqualTo("x");
    }
  }

  @Test
  void anotherSchemaVersionIsRefusedNamingBoth() throws Exception {
    SqliteTrialStore.create(dir, "x", "{}", "{}").close();
    setSchemaVersion("2");
    assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("has schema version 2; this jnas reads version 1")
        .hasMessageContaining("newer jnas");
    assertThatThrownBy(() -> SqliteTrialStore.openReadOnly(dir)).hasMessageContaining("schema version 2");
    setSchemaVersion("0");
    assertThatThrownBy(() -> SqliteTrialStore.openExisting(dir)).hasMessageContaining("older jnas");
  }

  /** A store of a jnas from before the lineage column is read as it is, and gets the column when written. */
  @Test
  void aStoreWithoutTheLineageColumnIsReadAndThenExtended() throws Exception {
    try (SqliteTrialStore s = SqliteTrialStore.open(dir)) {
      s.createExperiment("old", "{}", "{}");
      s.recordAsked(List.of(TrialRecord.running(0, "a", 1, 1, 1)), "snap");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteTrialStore.FILE_NAME));
        Statement st = c.createStatement()) {
      st.execute("ALTER TABLE trial DROP COLUMN lineage");
    }
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      assertThat(s.trials()).singleElement().satisfies(t -> assertThat(t.lineage()).isNull());
    }
    try (SqliteTrialStore s = SqliteTrialStore.openExisting(dir)) {
      s.recordAsked(List.of(TrialRecord.running(1, "b", 2, 2, 2, "{\"round\":0}")), null);
    }
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      assertThat(s.trials()).extracting(TrialRecord::lineage).containsExactly(null, "{\"round\":0}");
    }
  }

  private void setSchemaVersion(String v) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteTrialStore.FILE_NAME));
        Statement st = c.createStatement()) {
      st.execute("UPDATE meta SET value = '" + v + "' WHERE key = 'schema_version'");
    }
  }

  @Test
  void readOnlyOpensImmutableWritesNothingAndRefusesWrites() throws Exception {
    try (SqliteTrialStore s = SqliteTrialStore.create(dir, "x", "{}", "{}")) {
      s.recordAsked(List.of(TrialRecord.running(0, "a", 1, 1, 1)), "{}");
    }
    Map<String, String> before = FolderContents.digests(dir);
    try (SqliteTrialStore r = SqliteTrialStore.openReadOnly(dir)) {
      assertThat(r.trials()).hasSize(1);
      // the mechanism: SQLite itself opened the file read-only and immutable (no log, no lock)
      assertThatThrownBy(() -> r.connection().createStatement().execute("CREATE TABLE t(a)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("readonly");
      assertThat(r.connection().getMetaData().getURL()).contains("immutable=1");
      assertThatThrownBy(() -> r.setStatus("RUNNING")).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
      assertThatThrownBy(() -> r.recordAsked(List.of(), null)).isInstanceOf(IllegalStateException.class);
      assertThat(FolderContents.digests(dir)).isEqualTo(before);
    }
    assertThat(FolderContents.digests(dir)).as("every byte and no new file").isEqualTo(before);
  }

  @Test
  void readOnlySeesWhatALiveWriterCommitted() {
    try (SqliteTrialStore w = SqliteTrialStore.create(dir, "x", "{}", "{}")) {
      w.recordAsked(List.of(TrialRecord.running(0, "a", 1, 1, 1)), null);
      w.recordFinished(TrialRecord.running(0, "a", 1, 1, 1).finish(TrialResult.failed("no", 1), 2, 2), null);
      assertThat(dir.resolve(SqliteTrialStore.FILE_NAME + "-wal")).exists();
      try (SqliteTrialStore r = SqliteTrialStore.openReadOnly(dir)) {
        assertThat(r.trials()).singleElement().satisfies(t -> assertThat(t.result().error()).isEqualTo("no"));
      }
    }
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
