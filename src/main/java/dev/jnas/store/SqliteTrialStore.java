package dev.jnas.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Folders;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The experiment database: one SQLite file in WAL mode with {@code synchronous=FULL}, so a
 * committed trial survives a killed process and a power loss. Writes that resume relies on are
 * single transactions, so a process killed at any instant leaves a consistent file.
 *
 * <p>A store is created complete or not at all (built under a temporary name with its schema and
 * experiment row, forced to disk, then renamed), and a file is only written after it was checked,
 * read-only, to be an intact jnas store of this {@link #SCHEMA_VERSION}. A writable store holds the
 * folder's {@link ExperimentLock} until it is closed: one process per experiment.
 */
public final class SqliteTrialStore implements TrialStore {
  public static final String FILE_NAME = "experiment.db";
  /** The schema version this jnas writes and the only one it reads. */
  public static final int SCHEMA_VERSION = 1;
  /** Where a new store is built before it is renamed to {@link #FILE_NAME}. */
  static final String CREATING = ".experiment.db.creating";
  /** Commits wait for the disk: the docs promise recovery from power loss. */
  static final String SYNCHRONOUS = "FULL";

  private static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)",
    "INSERT OR IGNORE INTO meta VALUES('schema_version','" + SCHEMA_VERSION + "')",
    "CREATE TABLE IF NOT EXISTS experiment(id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL,"
        + " config TEXT NOT NULL, provenance TEXT, status TEXT NOT NULL, created_at INTEGER, updated_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS trial(id INTEGER PRIMARY KEY, architecture TEXT NOT NULL, seed INTEGER NOT NULL,"
        + " status TEXT NOT NULL, started_at INTEGER, finished_at INTEGER, val_accuracy REAL, test_accuracy REAL,"
        + " reward REAL, params INTEGER, flops INTEGER, wall_seconds REAL, error TEXT, result TEXT,"
        + " ask_seq INTEGER NOT NULL DEFAULT 0, tell_seq INTEGER NOT NULL DEFAULT 0, lineage TEXT)",
    "CREATE TABLE IF NOT EXISTS epoch(trial_id INTEGER NOT NULL, epoch INTEGER NOT NULL, train_loss REAL,"
        + " train_accuracy REAL, val_loss REAL, val_accuracy REAL, seconds REAL, PRIMARY KEY(trial_id, epoch))",
    "CREATE TABLE IF NOT EXISTS strategy_state(id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT, updated_at INTEGER)"
  };

  private final Connection db;
  private final Path file;
  /** Null for a read-only store. */
  private final ExperimentLock lock;
  /** The connection's configured {@code PRAGMA synchronous} (2 = FULL), read on the first write. */
  private int configuredSync = -1;
  private int currentSync = -1;

  /**
   * Whether the trial table has the {@code lineage} column: added (nullable) after schema version
   * 1 first shipped, so older stores get it when first opened for writing and read without it.
   */
  private final boolean hasLineage;

  private SqliteTrialStore(Path file, Connection db, ExperimentLock lock) {
    this.file = file;
    this.db = db;
    this.lock = lock;
    this.hasLineage = lineageColumn(db, lock != null);
  }

  private static boolean lineageColumn(Connection db, boolean writable) {
    try {
      boolean tableExists = false;
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(trial)")) {
        while (rs.next()) {
          tableExists = true;
          if ("lineage".equals(rs.getString("name"))) {
            return true;
          }
        }
      }
      if (tableExists && writable) {
        try (Statement s = db.createStatement()) {
          s.execute("ALTER TABLE trial ADD COLUMN lineage TEXT");
        }
        return true;
      }
      return false;
    } catch (SQLException e) {
      throw new NasException("cannot read the trial table's columns: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses, without touching the disk, a folder a new experiment cannot be created in: a name the
   * file system would refuse, a folder another process is running, or one that already holds an
   * experiment (or any other file named {@value #FILE_NAME}).
   */
  public static void checkNew(Path dir) {
    Folders.checkNames(dir, "experiment folder");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInputException("experiment folder " + dir + " is a file, not a folder");
    }
    if (ExperimentLock.isHeld(dir)) {
      throw new BadInputException(
          "experiment folder " + dir + " is in use by another jnas process (a search or resume is running on it);"
              + " use another --output");
    }
    BadInputException occupied = occupied(dir);
    if (occupied != null) {
      throw occupied;
    }
  }

  /**
   * Why {@code dir} cannot take a new experiment because of its {@value #FILE_NAME}; null when it
   * has none, or an empty one that a killed older jnas left (which create replaces).
   */
  private static BadInputException occupied(Path dir) {
    Path f = dir.resolve(FILE_NAME);
    if (!Files.exists(f)) {
      return null;
    }
    try (SqliteTrialStore s = checked(f)) {
      if (s.experiment().isEmpty() && s.trials().isEmpty()) {
        return null;
      }
    } catch (BadInputException e) {
      return new BadInputException(
          "experiment folder " + dir + " already holds an " + FILE_NAME + " that jnas cannot use (" + e.getMessage()
              + "); move it away or use another --output");
    }
    return new BadInputException(
        "experiment folder " + dir + " already holds an experiment; use 'jnas resume " + dir + "' or another --output");
  }

  /**
   * Creates the experiment folder (and missing parents) and, atomically, its store holding the
   * experiment row; the returned store holds the folder's lock. On failure nothing is left: folders
   * this call made are removed, and a store half-built by a killed process is never visible (a
   * later create removes its temporary file).
   */
  public static SqliteTrialStore create(Path dir, String name, String configJson, String provenanceJson) {
    checkNew(dir);
    long now = System.currentTimeMillis();
    return openOrCreate(dir, new ExperimentInfo(name, configJson, provenanceJson, "CREATED", now, now), SYNCHRONOUS);
  }

  /**
   * Opens the store of {@code dir} for writing, creating the folder and an empty store (no
   * experiment row) if needed; for callers that write the row with {@link #createExperiment}.
   */
  public static SqliteTrialStore open(Path dir) {
    return open(dir, SYNCHRONOUS);
  }

  /** {@link #open(Path)} with another {@code PRAGMA synchronous} (durability benchmark only). */
  static SqliteTrialStore open(Path dir, String synchronous) {
    if (Files.exists(dir.resolve(FILE_NAME))) {
      checked(dir.resolve(FILE_NAME)).close();
    }
    return openOrCreate(dir, null, synchronous);
  }

  /**
   * Opens an existing experiment to continue it: the file is first checked read-only (SQLite
   * header, jnas schema version, integrity, the experiment row and every trial row), so a file
   * that is not an intact jnas store is refused unchanged; then the folder is locked and the store
   * opened for writing.
   *
   * @throws BadInputException naming the file or row and what is wrong, or when another process
   *     runs the experiment
   */
  public static SqliteTrialStore openExisting(Path dir) {
    try (SqliteTrialStore check = openReadOnly(dir)) {
      check.checkRows();
    }
    ExperimentLock lock = ExperimentLock.acquire(dir);
    try {
      return new SqliteTrialStore(dir.resolve(FILE_NAME), connectWritable(dir.resolve(FILE_NAME), SYNCHRONOUS), lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Opens an experiment for reading only ({@code list}, {@code show}, monitoring a live run): no
   * byte of the folder changes, no {@code -wal}/{@code -shm} file appears where none was, and a
   * folder the user cannot write to can still be read. Writing to the returned store throws.
   * Damaged rows are reported when they are read.
   */
  public static SqliteTrialStore openReadOnly(Path dir) {
    Path f = dir.resolve(FILE_NAME);
    if (!Files.exists(f)) {
      String hint =
          Files.exists(dir.resolve(CREATING))
              ? " (a search was stopped while creating it: run the search again)"
              : "";
      throw new BadInputException("no experiment in " + dir + " (missing " + FILE_NAME + ")" + hint);
    }
    if (!Files.isRegularFile(f)) {
      throw new BadInputException(f + " is not a file, so not a jnas experiment database");
    }
    SqliteTrialStore s = checked(f);
    try {
      if (s.experiment().isEmpty()) {
        throw s.trials().isEmpty()
            ? new BadInputException(
                dir + " holds no experiment: " + f + " has none stored (a search was stopped while creating it);"
                    + " run the search again into this folder")
            : new BadInputException(f + " is damaged: its experiment row is missing; restore it from a backup");
      }
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Opens {@code f} read-only after checking its header, schema version and integrity. */
  private static SqliteTrialStore checked(Path f) {
    StoreFile.checkHeader(f);
    SqliteTrialStore s = new SqliteTrialStore(f, StoreFile.connectReadOnly(f), null);
    try {
      StoreFile.checkContents(s.db, f);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Reads the rows resume depends on, so that damage is reported before anything is written (the
   * strategy snapshot is opaque here: the runner reports a damaged one, also before writing).
   */
  private void checkRows() {
    experiment();
    trials();
  }

  private static SqliteTrialStore openOrCreate(Path dir, ExperimentInfo row, String synchronous) {
    Folders.Made made = Folders.create(dir, "experiment folder");
    ExperimentLock lock = null;
    Path f = dir.resolve(FILE_NAME);
    try {
      lock = ExperimentLock.acquire(dir);
      if (row != null && Files.exists(f)) {
        // checked again now that no other process can create it meanwhile
        BadInputException occupied = occupied(dir);
        if (occupied != null) {
          throw occupied;
        }
        removeWithLogs(f); // an empty store a killed older jnas left
      }
      if (!Files.exists(f)) {
        build(dir, row);
      }
      return new SqliteTrialStore(f, connectWritable(f, synchronous), lock);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      made.undo();
      if (e instanceof IOException io) {
        throw new NasException("cannot replace the empty " + f + ": " + AtomicFiles.describe(io), e);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Builds the store under a temporary name, forces it to disk, then renames it into place. The
   * rows are written with a rollback journal, so they are in the file itself when the commit
   * returns; only then is the file switched to WAL mode (no log frames to lose on the rename).
   */
  private static void build(Path dir, ExperimentInfo row) {
    Path tmp = dir.resolve(CREATING);
    Path f = dir.resolve(FILE_NAME);
    try {
      removeWithLogs(tmp);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.toAbsolutePath())) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA synchronous=FULL");
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          for (String sql : SCHEMA) {
            s.execute(sql);
          }
        }
        if (row != null) {
          insertExperiment(c, row);
        }
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA journal_mode=WAL");
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.forceDirectory(dir);
      removeWithLogs(tmp); // an empty log, should closing have left one
    } catch (SQLException e) {
      removeQuietly(tmp);
      throw new NasException("cannot create " + f + ": " + e.getMessage(), e);
    } catch (IOException e) {
      removeQuietly(tmp);
      throw new NasException("cannot create " + f + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static void removeWithLogs(Path f) throws IOException {
    for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
      Files.deleteIfExists(f.resolveSibling(f.getFileName() + suffix));
    }
  }

  private static void removeQuietly(Path f) {
    try {
      removeWithLogs(f);
    } catch (IOException e) {
      // a later create removes it
    }
  }

  private static Connection connectWritable(Path f, String synchronous) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.toAbsolutePath());
      try {
        pragmas(c, synchronous);
        return c;
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new BadInputException("cannot open experiment database " + f + ": " + e.getMessage(), e);
    }
  }

  private static void pragmas(Connection c, String synchronous) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
    }
    try (Statement s = c.createStatement()) {
      // FULL: every commit waits until its log frames are on disk (NORMAL can lose the last
      // commits on power loss); BENCHMARKS.md has the cost.
      s.execute("PRAGMA synchronous=" + synchronous);
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("PRAGMA foreign_keys=ON");
    }
  }

  /** For messages that show a shell command: the path in single quotes. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  public Path file() {
    return file;
  }

  /** The connection, for tests of how the file was opened. */
  Connection connection() {
    return db;
  }

  @Override
  public synchronized void createExperiment(String name, String configJson, String provenanceJson) {
    writable();
    long now = System.currentTimeMillis();
    try {
      insertExperiment(db, new ExperimentInfo(name, configJson, provenanceJson, "CREATED", now, now));
    } catch (SQLException e) {
      throw new NasException("cannot create experiment in " + file + ": " + e.getMessage(), e);
    }
  }

  private static void insertExperiment(Connection c, ExperimentInfo e) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO experiment VALUES(1, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, e.name());
      p.setString(2, e.config());
      p.setString(3, e.provenance());
      p.setString(4, e.status());
      p.setLong(5, e.createdAt());
      p.setLong(6, e.updatedAt());
      p.executeUpdate();
    }
  }

  /**
   * The header row; BadInputException naming the damage when its config or provenance is not
   * readable JSON.
   */
  @Override
  public synchronized Optional<ExperimentInfo> experiment() {
    ExperimentInfo info;
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, config, provenance, status, created_at, updated_at FROM experiment")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      info = new ExperimentInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6));
    } catch (SQLException e) {
      throw readFailure(e);
    }
    String q = shellQuote(file.toString());
    if (!isJsonObject(info.config())) {
      throw new BadInputException(
          file + " is damaged: the experiment row's config is " + (info.config() == null ? "NULL" : "not a JSON object")
              + "; resume needs it: restore " + file + " from a backup");
    }
    if (!isJsonObject(info.provenance())) {
      throw new BadInputException(
          file + " is damaged: the experiment row's provenance is " + (info.provenance() == null ? "NULL" : "not a JSON object")
              + ". Restore " + file + " from a backup, or record it as unknown: sqlite3 " + q
              + " \"UPDATE experiment SET provenance = '{}'\"");
    }
    return Optional.of(info);
  }

  private static boolean isJsonObject(String text) {
    try {
      return text != null && Json.MAPPER.readTree(text).isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  @Override
  public synchronized void setStatus(String status) {
    writable();
    try (PreparedStatement p = db.prepareStatement("UPDATE experiment SET status = ?, updated_at = ?")) {
      p.setString(1, status);
      p.setLong(2, System.currentTimeMillis());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new NasException("cannot update " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void updateConfig(String configJson) {
    try (PreparedStatement p = db.prepareStatement("UPDATE experiment SET config = ?, updated_at = ?")) {
      p.setString(1, configJson);
      p.setLong(2, System.currentTimeMillis());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new NasException("cannot update " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void recordAsked(List<TrialRecord> asked, String strategySnapshot) {
    writable();
    // An ask need not wait for the disk: the next finished trial's synchronous commit forces it
    // too (the log is one sequence), and an ask lost to a power cut is asked again on resume.
    transaction(false,
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT OR REPLACE INTO trial(id, architecture, seed, status, started_at, finished_at, ask_seq"
                      + (hasLineage ? ", lineage) VALUES(?,?,?,?,?,0,?,?)" : ") VALUES(?,?,?,?,?,0,?)"))) {
            for (TrialRecord t : asked) {
              p.setLong(1, t.id());
              p.setString(2, t.architecture());
              p.setLong(3, t.seed());
              p.setString(4, t.status().name());
              p.setLong(5, t.startedAt());
              p.setLong(6, t.askSeq());
              if (hasLineage) {
                p.setString(7, t.lineage());
              }
              p.addBatch();
            }
            p.executeBatch();
          }
          saveSnapshot0(strategySnapshot);
        });
  }

  @Override
  public synchronized void recordFinished(TrialRecord t, String strategySnapshot) {
    writable();
    transaction(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT OR REPLACE INTO trial(id, architecture, seed, status, started_at, finished_at, val_accuracy,"
                      + " test_accuracy, reward, params, flops, wall_seconds, error, result, ask_seq, tell_seq"
                      + (hasLineage ? ", lineage) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"))) {
            TrialResult r = t.result();
            p.setLong(1, t.id());
            p.setString(2, t.architecture());
            p.setLong(3, t.seed());
            p.setString(4, t.status().name());
            p.setLong(5, t.startedAt());
            p.setLong(6, t.finishedAt());
            real(p, 7, r == null ? Double.NaN : r.valAccuracy());
            real(p, 8, r == null ? Double.NaN : r.testAccuracy());
            real(p, 9, r == null ? Double.NaN : r.reward());
            p.setLong(10, r == null ? 0 : r.params());
            p.setLong(11, r == null ? 0 : r.flops());
            real(p, 12, r == null ? Double.NaN : r.wallSeconds());
            p.setString(13, r == null ? null : r.error());
            p.setString(14, ResultCodec.write(r));
            p.setLong(15, t.askSeq());
            p.setLong(16, t.tellSeq());
            if (hasLineage) {
              p.setString(17, t.lineage());
            }
            p.executeUpdate();
          }
          saveSnapshot0(strategySnapshot);
        });
  }

  private static void real(PreparedStatement p, int i, double v) throws SQLException {
    if (Double.isFinite(v)) {
      p.setDouble(i, v);
    } else {
      p.setNull(i, Types.REAL);
    }
  }

  @Override
  public synchronized void saveSnapshot(String strategySnapshot) {
    writable();
    transaction(() -> saveSnapshot0(strategySnapshot));
  }

  private void saveSnapshot0(String snapshot) throws SQLException {
    if (snapshot == null) {
      return;
    }
    try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO strategy_state VALUES(1, ?, ?)")) {
      p.setString(1, snapshot);
      p.setLong(2, System.currentTimeMillis());
      p.executeUpdate();
    }
  }

  @Override
  public synchronized void recordEpoch(long trialId, EpochMetrics m) {
    writable();
    try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO epoch VALUES(?,?,?,?,?,?,?)")) {
      p.setLong(1, trialId);
      p.setInt(2, m.epoch());
      real(p, 3, m.trainLoss());
      real(p, 4, m.trainAccuracy());
      real(p, 5, m.valLoss());
      real(p, 6, m.valAccuracy());
      real(p, 7, m.seconds());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new NasException("cannot write epoch to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void clearEpochs(long trialId) {
    writable();
    try (PreparedStatement p = db.prepareStatement("DELETE FROM epoch WHERE trial_id = ?")) {
      p.setLong(1, trialId);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new NasException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Cluster runs only: made on the first write, so stores of local runs keep their schema. */
  private static final String WORKER_TABLES =
      "CREATE TABLE IF NOT EXISTS trial_worker(trial_id INTEGER PRIMARY KEY, worker TEXT NOT NULL, attempts INTEGER NOT NULL);"
          + "CREATE TABLE IF NOT EXISTS worker(name TEXT PRIMARY KEY, info TEXT NOT NULL, first_seen INTEGER NOT NULL)";

  private void workerTables() throws SQLException {
    try (Statement st = db.createStatement()) {
      for (String sql : WORKER_TABLES.split(";")) {
        st.execute(sql);
      }
    }
  }

  private boolean hasTable(String name) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public synchronized void recordTrialWorker(long trialId, String worker) {
    writable();
    // relaxed: the trial's result, committed durably, makes it durable; a crash before that re-runs
    // the trial anyway (one fsync less per trial dispatched)
    transaction(false, () -> {
      workerTables();
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO trial_worker VALUES(?,?,1) ON CONFLICT(trial_id) DO UPDATE SET worker = excluded.worker,"
              + " attempts = attempts + 1")) {
        p.setLong(1, trialId);
        p.setString(2, worker);
        p.executeUpdate();
      }
    });
  }

  @Override
  public synchronized Map<Long, TrialWorker> trialWorkers() {
    Map<Long, TrialWorker> out = new java.util.TreeMap<>();
    try {
      if (!hasTable("trial_worker")) {
        return out;
      }
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT trial_id, worker, attempts FROM trial_worker ORDER BY trial_id")) {
        while (rs.next()) {
          out.put(rs.getLong(1), new TrialWorker(rs.getString(2), rs.getInt(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  @Override
  public synchronized void recordWorker(String worker, String infoJson) {
    writable();
    try {
      workerTables();
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO worker VALUES(?,?,?) ON CONFLICT(name) DO UPDATE SET info = excluded.info")) {
        p.setString(1, worker);
        p.setString(2, infoJson);
        p.setLong(3, System.currentTimeMillis());
        p.executeUpdate();
      }
    } catch (SQLException e) {
      throw new NasException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Map<String, String> workers() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    try {
      if (!hasTable("worker")) {
        return out;
      }
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT name, info FROM worker ORDER BY first_seen, name")) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  @Override
  public synchronized Optional<String> strategySnapshot() {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT snapshot FROM strategy_state WHERE id = 1")) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  /** All trials; BadInputException naming the trial and a repair when a row cannot be read. */
  @Override
  public synchronized List<TrialRecord> trials() {
    List<TrialRecord> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT id, architecture, seed, status, result, started_at, finished_at, ask_seq, tell_seq"
                + (hasLineage ? ", lineage" : "") + " FROM trial ORDER BY id")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        String stored = rs.getString(4);
        TrialStatus status;
        try {
          status = TrialStatus.valueOf(String.valueOf(stored));
        } catch (IllegalArgumentException e) {
          throw damagedTrial(id, "has an unknown status '" + stored + "' (known: " + java.util.Arrays.toString(TrialStatus.values()) + ")");
        }
        TrialResult result;
        try {
          result = ResultCodec.read(rs.getString(5));
        } catch (NasException e) {
          throw damagedTrial(id, "has a result that is not readable (" + e.getMessage() + ")");
        }
        if (status.isFinished() && result == null) {
          throw damagedTrial(id, "is " + status + " but has no stored result");
        }
        out.add(new TrialRecord(id, rs.getString(2), rs.getLong(3), status, result, rs.getLong(6), rs.getLong(7), rs.getLong(8),
            rs.getLong(9), hasLineage ? rs.getString(10) : null));
      }
      return out;
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  /**
   * Names the trial and offers two repairs: a backup, or dropping the trial with those asked with
   * or after it (and the strategy snapshot), after which resume replays the strategy from the
   * start over the trials kept and asks for new ones; no other choice keeps that replay exact.
   */
  @Override
  public BadInputException damagedTrial(long trialId, String problem) {
    long from = trialId;
    long finishedLost = -1;
    try (PreparedStatement p =
        db.prepareStatement("SELECT min(id) FROM trial WHERE ask_seq = (SELECT ask_seq FROM trial WHERE id = ?)")) {
      p.setLong(1, trialId);
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next() && rs.getObject(1) != null) {
          from = Math.min(from, rs.getLong(1));
        }
      }
      try (PreparedStatement c = db.prepareStatement("SELECT count(*) FROM trial WHERE id >= ? AND status <> 'RUNNING'")) {
        c.setLong(1, from);
        try (ResultSet rs = c.executeQuery()) {
          finishedLost = rs.next() ? rs.getLong(1) : -1;
        }
      }
    } catch (SQLException e) {
      // the repair below still holds with the damaged trial itself as the first one dropped
    }
    return new BadInputException(
        file + " is damaged: trial " + trialId + " " + problem + ". Restore " + file + " from a backup, or drop trial "
            + (from == trialId ? trialId : from + " (asked together with " + trialId + ")")
            + " and every later trial" + (finishedLost >= 0 ? " (" + finishedLost + " finished)" : "")
            + " so that resume asks for new ones: sqlite3 " + shellQuote(file.toString()) + " \"DELETE FROM epoch WHERE trial_id >= "
            + from + "; DELETE FROM trial WHERE id >= " + from + "; DELETE FROM strategy_state;\"");
  }

  /** Names the snapshot and its repair: without it resume replays every stored ask and tell. */
  @Override
  public BadInputException damagedSnapshot(String problem) {
    return new BadInputException(
        file + " is damaged: the strategy snapshot (table strategy_state) " + problem + ". Remove it, and resume"
            + " rebuilds the strategy by replaying every stored trial: sqlite3 " + shellQuote(file.toString())
            + " \"DELETE FROM strategy_state;\"");
  }

  /** A failed read: damage (corrupt pages, a dropped table) in words with the repair; else the error. */
  private NasException readFailure(SQLException e) {
    String why = StoreFile.reason(e);
    boolean damage = e.getErrorCode() == StoreFile.SQLITE_CORRUPT || e.getErrorCode() == StoreFile.SQLITE_NOTADB || why.startsWith("no such");
    if (!damage) {
      return new NasException("cannot read " + file + ": " + why, e);
    }
    return new BadInputException(
        file + " is damaged (" + why + "): restore it from a backup, or copy the readable rows into a new database and"
            + " use that: sqlite3 " + shellQuote(file.toString()) + " .recover | sqlite3 recovered.db", e);
  }

  private void writable() {
    if (lock == null) {
      throw new IllegalStateException(file + " was opened read-only");
    }
  }

  @Override
  public synchronized List<EpochMetrics> epochs(long trialId) {
    List<EpochMetrics> out = new ArrayList<>();
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT epoch, train_loss, train_accuracy, val_loss, val_accuracy, seconds FROM epoch WHERE trial_id = ? ORDER BY epoch")) {
      p.setLong(1, trialId);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new EpochMetrics(rs.getInt(1), num(rs, 2), num(rs, 3), num(rs, 4), num(rs, 5), num(rs, 6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw readFailure(e);
    }
  }

  private static double num(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? Double.NaN : v;
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  private void transaction(SqlWork work) {
    transaction(true, work);
  }

  /**
   * @param durable whether the commit must wait for the disk (when the store is FULL); a relaxed
   *     commit is made durable by the next durable one
   */
  private void transaction(boolean durable, SqlWork work) {
    try {
      syncMode(durable);
      db.setAutoCommit(false);
      try {
        work.run();
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new NasException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Switches the connection between its configured synchronous level and NORMAL. */
  private void syncMode(boolean durable) throws SQLException {
    if (configuredSync < 0) {
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
        configuredSync = rs.next() ? rs.getInt(1) : 1;
        currentSync = configuredSync;
      }
    }
    int want = durable ? configuredSync : Math.min(configuredSync, 1);
    if (want != currentSync) {
      try (Statement st = db.createStatement()) {
        st.execute("PRAGMA synchronous=" + want);
      }
      currentSync = want;
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new NasException("cannot close " + file + ": " + e.getMessage(), e);
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }
}
