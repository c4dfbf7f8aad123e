package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.store.ExperimentLock;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.testing.FolderContents;
import dev.jnas.util.Folders;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that is not an intact jnas store of this version, or holds damaged rows: {@code show},
 * {@code list} and {@code resume} say which file or row and what to do, exit 2, and leave every byte
 * of the folder as it was, with no new file. Where the message offers a repair, the repair works.
 */
class StoreDamageCliTest {
  static final int TRIALS = 60;
  /** An interrupted experiment: 40 trials stored, the last one still running, no snapshot. */
  static Path base;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void interruptedExperiment() throws Exception {
    Path cfg = shared.resolve("c.yaml");
    Files.writeString(cfg, TabularSearchCliTest.config("evolution", TRIALS, 0));
    base = shared.resolve("base");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", base.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    // as if killed after trial 39 was asked: drop the later trials, trial 39 back in flight
    sql(base, "UPDATE experiment SET status = 'RUNNING'", "DELETE FROM epoch WHERE trial_id >= 40",
        "DELETE FROM trial WHERE id >= 40", "DELETE FROM strategy_state",
        "UPDATE trial SET status = 'RUNNING', result = NULL, finished_at = 0, tell_seq = 0 WHERE id = 39");
    Files.deleteIfExists(base.resolve("summary.json"));
    Folders.deleteTree(base.resolve("best"));
  }

  /** The experiment folder {@code exp} next to an intact one, both under {@code dir/runs}. */
  private Path copy() throws IOException {
    Path runs = dir.resolve("runs");
    FolderContents.copy(base, runs.resolve("good"));
    Path exp = runs.resolve("exp");
    FolderContents.copy(base, exp);
    return exp;
  }

  private static Path db(Path exp) {
    return exp.resolve(SqliteTrialStore.FILE_NAME);
  }

  // ---- files that are not intact jnas stores of this version

  @Test
  void emptyFile() throws Exception {
    Path exp = copy();
    Files.write(db(exp), new byte[0]);
    refusedEverywhere(exp, "is empty (0 bytes)");
  }

  @Test
  void textFile() throws Exception {
    Path exp = copy();
    Files.writeString(db(exp), "name,value\nnot,sqlite\n".repeat(50));
    refusedEverywhere(exp, "is not an SQLite database");
  }

  @Test
  void truncatedFile() throws Exception {
    Path exp = copy();
    long size = Files.size(db(exp));
    assertThat(size).as("the store spans several pages").isGreaterThan(4 * 4096);
    try (RandomAccessFile f = new RandomAccessFile(db(exp).toFile(), "rw")) {
      f.setLength(size / 2 + 100);
    }
    refusedEverywhere(exp, "is truncated");
    try (RandomAccessFile f = new RandomAccessFile(db(exp).toFile(), "rw")) {
      f.setLength(2 * 4096); // on a page boundary: the header's page count tells
    }
    refusedEverywhere(exp, "is truncated");
  }

  @Test
  void foreignSqliteDatabase() throws Exception {
    Path exp = copy();
    Files.delete(db(exp));
    sql(exp, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)", "INSERT INTO invoices VALUES(1, 9.5)");
    refusedEverywhere(exp, "is an SQLite database but not a jnas experiment database", "its tables: invoices");
  }

  @Test
  void corruptPages() throws Exception {
    Path exp = copy();
    long size = Files.size(db(exp));
    try (RandomAccessFile f = new RandomAccessFile(db(exp).toFile(), "rw")) {
      for (long page = 2; page * 4096 < size; page += 2) { // every other b-tree page after the first
        f.seek(page * 4096 + 8);
        f.write("garbage!".repeat(100).getBytes());
      }
    }
    refusedEverywhere(exp, "is corrupt", ".recover");
  }

  @Test
  void newerSchemaVersion() throws Exception {
    Path exp = copy();
    sql(exp, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    refusedEverywhere(exp, "has schema version 2; this jnas reads version 1");
  }

  @Test
  void droppedTable() throws Exception {
    Path exp = copy();
    sql(exp, "DROP TABLE trial");
    refusedEverywhere(exp, "table 'trial' is missing", "restore it from a backup");
  }

  // ---- damaged rows

  @Test
  void unknownTrialStatus() throws Exception {
    damagedRow("UPDATE trial SET status = 'DONE' WHERE id = 7", "trial 7 has an unknown status 'DONE'", "Restore ", "from a backup");
  }

  @Test
  void corruptResultJson() throws Exception {
    damagedRow("UPDATE trial SET result = '{\"status\": \"COMPLETE\", \"reward\": ' WHERE id = 12",
        "trial 12 has a result that is not readable");
  }

  @Test
  void nullProvenance() throws Exception {
    damagedRow("UPDATE experiment SET provenance = NULL", "the experiment row's provenance is NULL");
  }

  /** A row damaged by {@code damage} is refused everywhere, and the repair the message offers works. */
  private void damagedRow(String damage, String... problem) throws Exception {
    Path exp = copy();
    sql(exp, damage);
    repairAndResume(exp, refusedEverywhere(exp, problem));
  }

  @Test
  void garbageArchitecture() throws Exception {
    Path exp = copy();
    sql(exp, "UPDATE trial SET architecture = '|bogus~0|+|' WHERE id = 20");
    // show and list display a stored string as it is; resume must decode it
    Map<String, String> before = FolderContents.digests(dir);
    var show = CliRunner.run("show", exp.toString());
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("|bogus~0|+|").contains("INTERRUPTED");
    var r = CliRunner.run("resume", exp.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(db(exp).toString()).contains("trial 20 has an architecture that is not one of space nasbench201");
    assertUnchangedButTheLockOwner(before);
    repairAndResume(exp, r.err());
  }

  @Test
  void corruptStrategySnapshot() throws Exception {
    Path exp = copy();
    sql(exp, "INSERT INTO strategy_state VALUES(1, '{\"seq\": 30, \"strategy\": {\"population\": \"lost\"}}', 0)");
    Map<String, String> before = FolderContents.digests(dir);
    var r = CliRunner.run("resume", exp.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(db(exp).toString()).contains("the strategy snapshot (table strategy_state)")
        .contains("cannot be restored into the evolution strategy");
    assertUnchangedButTheLockOwner(before);
    repairAndResume(exp, r.err());
    // (a finished experiment does not read its snapshot: resume leaves it as it is)
    sql(exp, "INSERT OR REPLACE INTO strategy_state VALUES(1, 'not json at all', 0)", "UPDATE experiment SET status = 'RUNNING'");
    r = CliRunner.run("resume", exp.toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("the strategy snapshot (table strategy_state)");
  }

  /**
   * show, list and resume all exit 2 with a message naming the file and the problem; every file
   * under dir is unchanged and none is added. Returns resume's message.
   */
  private String refusedEverywhere(Path exp, String... problem) throws Exception {
    Map<String, String> before = FolderContents.digests(dir);
    var show = CliRunner.run("show", exp.toString());
    assertThat(show.exitCode()).as(show.err()).isEqualTo(2);
    assertThat(show.err()).contains(db(exp).toString()).contains(problem).doesNotContain("Exception");
    var json = CliRunner.run("show", exp.toString(), "--json");
    assertThat(json.exitCode()).isEqualTo(2);
    // list goes on past the broken one and says why on stderr
    var list = CliRunner.run("list", exp.getParent().toString());
    assertThat(list.exitCode()).as(list.err()).isEqualTo(2);
    assertThat(list.out()).containsPattern("exp +BROKEN").containsPattern("nb201 +INTERRUPTED +40 ");
    assertThat(list.err()).contains(db(exp).toString()).contains(problem);
    var resume = CliRunner.run("resume", exp.toString(), "--quiet");
    assertThat(resume.exitCode()).as(resume.err()).isEqualTo(2);
    assertThat(resume.err()).contains(db(exp).toString()).contains(problem).doesNotContain("Exception");
    var search = CliRunner.run("search", "--config", shared.resolve("c.yaml").toString(), "--output", exp.toString(), "--quiet");
    assertThat(search.exitCode()).isEqualTo(2);
    assertThat(search.err()).contains("already holds");
    assertThat(FolderContents.digests(dir)).as("every byte as before, no new file").isEqualTo(before);
    return resume.err();
  }

  /** The experiment database is unchanged and no file was added; the lock file names its last owner. */
  private void assertUnchangedButTheLockOwner(Map<String, String> before) throws Exception {
    Map<String, String> after = FolderContents.digests(dir);
    after.keySet().removeIf(k -> k.endsWith(ExperimentLock.FILE_NAME));
    before.keySet().removeIf(k -> k.endsWith(ExperimentLock.FILE_NAME));
    assertThat(after).isEqualTo(before);
  }

  /** Runs the sqlite3 command the message offers (through JDBC), then resume finishes the experiment. */
  private static void repairAndResume(Path exp, String message) throws Exception {
    Matcher m = Pattern.compile("sqlite3 '([^']+)' \"([^\"]+)\"").matcher(message);
    assertThat(m.find()).as("a repair command in: " + message).isTrue();
    assertThat(Path.of(m.group(1))).isEqualTo(db(exp));
    sql(exp, m.group(2).split(";\\s*"));
    var r = CliRunner.run("resume", exp.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(exp)) {
      assertThat(s.trials()).hasSize(TRIALS).allSatisfy(t -> assertThat(t.status().isFinished()).isTrue());
      assertThat(s.trials()).extracting(TrialRecord::id).doesNotHaveDuplicates();
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
    }
  }

  static void sql(Path exp, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db(exp)); Statement st = c.createStatement()) {
      for (String s : statements) {
        if (!s.isBlank()) {
          st.execute(s);
        }
      }
    }
  }
}
