package dev.jnas.store;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.util.BadInputException;
import dev.jnas.util.NasException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The experiment database: one SQLite file in WAL mode. Writes that resume relies on are single
 * transactions, so a process killed at any instant leaves a consistent file.
 */
public final class SqliteTrialStore implements TrialStore {
  public static final String FILE_NAME = "experiment.db";
  private static final int SCHEMA_VERSION = 1;

  private final Connection db;
  private final Path file;

  private SqliteTrialStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating if needed) the store of the experiment folder {@code dir}. */
  public static SqliteTrialStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new BadInputException("cannot create experiment folder " + dir + ": " + e.getMessage(), e);
    }
    return openFile(dir.resolve(FILE_NAME), true);
  }

  /** Opens an existing experiment folder; BadInputException if it holds no database. */
  public static SqliteTrialStore openExisting(Path dir) {
    Path f = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(f)) {
      throw new BadInputException("no experiment in " + dir + " (missing " + FILE_NAME + ")");
    }
    return openFile(f, false);
  }

  private static SqliteTrialStore openFile(Path f, boolean create) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        // NORMAL is durable against a killed process in WAL mode (only power loss can drop the tail).
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("PRAGMA foreign_keys=ON");
        if (create) {
          s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)");
          s.execute("INSERT OR IGNORE INTO meta VALUES('schema_version','" + SCHEMA_VERSION + "')");
          s.execute(
              "CREATE TABLE IF NOT EXISTS experiment(id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL,"
                  + " config TEXT NOT NULL, provenance TEXT, status TEXT NOT NULL, created_at INTEGER, updated_at INTEGER)");
          s.execute(
              "CREATE TABLE IF NOT EXISTS trial(id INTEGER PRIMARY KEY, architecture TEXT NOT NULL, seed INTEGER NOT NULL,"
                  + " status TEXT NOT NULL, started_at INTEGER, finished_at INTEGER, val_accuracy REAL, test_accuracy REAL,"
                  + " reward REAL, params INTEGER, flops INTEGER, wall_seconds REAL, error TEXT, result TEXT,"
                  + " ask_seq INTEGER NOT NULL DEFAULT 0, tell_seq INTEGER NOT NULL DEFAULT 0)");
          s.execute(
              "CREATE TABLE IF NOT EXISTS epoch(trial_id INTEGER NOT NULL, epoch INTEGER NOT NULL, train_loss REAL,"
                  + " train_accuracy REAL, val_loss REAL, val_accuracy REAL, seconds REAL, PRIMARY KEY(trial_id, epoch))");
          s.execute("CREATE TABLE IF NOT EXISTS strategy_state(id INTEGER PRIMARY KEY CHECK (id = 1), snapshot TEXT, updated_at INTEGER)");
        } else {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name='experiment'")) {
            if (!rs.next() || rs.getInt(1) == 0) {
              throw new BadInputException(f + " is not a jnas experiment database");
            }
          }
        }
      }
      return new SqliteTrialStore(f, c);
    } catch (SQLException e) {
      throw new BadInputException("cannot open experiment database " + f + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void createExperiment(String name, String configJson, String provenanceJson) {
    long now = System.currentTimeMillis();
    try (PreparedStatement p =
        db.prepareStatement("INSERT INTO experiment VALUES(1, ?, ?, ?, 'CREATED', ?, ?)")) {
      p.setString(1, name);
      p.setString(2, configJson);
      p.setString(3, provenanceJson);
      p.setLong(4, now);
      p.setLong(5, now);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new NasException("cannot create experiment in " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<ExperimentInfo> experiment() {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, config, provenance, status, created_at, updated_at FROM experiment")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new ExperimentInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6)));
    } catch (SQLException e) {
      throw new NasException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void setStatus(String status) {
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
    transaction(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT OR REPLACE INTO trial(id, architecture, seed, status, started_at, finished_at, ask_seq) VALUES(?,?,?,?,?,0,?)")) {
            for (TrialRecord t : asked) {
              p.setLong(1, t.id());
              p.setString(2, t.architecture());
              p.setLong(3, t.seed());
              p.setString(4, t.status().name());
              p.setLong(5, t.startedAt());
              p.setLong(6, t.askSeq());
              p.addBatch();
            }
            p.executeBatch();
          }
          saveSnapshot0(strategySnapshot);
        });
  }

  @Override
  public synchronized void recordFinished(TrialRecord t, String strategySnapshot) {
    transaction(
        () -> {
          try (PreparedStatement p =
              db.prepareStatement(
                  "INSERT OR REPLACE INTO trial(id, architecture, seed, status, started_at, finished_at, val_accuracy,"
                      + " test_accuracy, reward, params, flops, wall_seconds, error, result, ask_seq, tell_seq)"
                      + " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
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
    try (PreparedStatement p = db.prepareStatement("DELETE FROM epoch WHERE trial_id = ?")) {
      p.setLong(1, trialId);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new NasException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<String> strategySnapshot() {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT snapshot FROM strategy_state WHERE id = 1")) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    } catch (SQLException e) {
      throw new NasException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<TrialRecord> trials() {
    List<TrialRecord> out = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT id, architecture, seed, status, result, started_at, finished_at, ask_seq, tell_seq FROM trial ORDER BY id")) {
      while (rs.next()) {
        out.add(
            new TrialRecord(
                rs.getLong(1),
                rs.getString(2),
                rs.getLong(3),
                TrialStatus.valueOf(rs.getString(4)),
                ResultCodec.read(rs.getString(5)),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getLong(9)));
      }
      return out;
    } catch (SQLException e) {
      throw new NasException("cannot read " + file + ": " + e.getMessage(), e);
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
      throw new NasException("cannot read " + file + ": " + e.getMessage(), e);
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
    try {
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

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new NasException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }
}
