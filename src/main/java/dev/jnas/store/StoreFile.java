package dev.jnas.store;

import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Checks that a file is a jnas experiment database of the schema version this jnas reads, and
 * intact, without writing anything: the file's header is read by hand, then SQLite opens it
 * read-only ({@code immutable} when no write-ahead log exists, so no {@code -wal}/{@code -shm}
 * files appear and no lock is taken). Only a file that passes may be opened for writing.
 */
final class StoreFile {
  private StoreFile() {}

  /** Tables and the columns jnas reads from them. */
  static final Map<String, String> TABLES =
      Map.of(
          "meta", "key, value",
          "experiment", "id, name, config, provenance, status, created_at, updated_at",
          "trial",
          "id, architecture, seed, status, started_at, finished_at, val_accuracy, test_accuracy, reward, params,"
              + " flops, wall_seconds, error, result, ask_seq, tell_seq",
          "epoch", "trial_id, epoch, train_loss, train_accuracy, val_loss, val_accuracy, seconds",
          "strategy_state", "id, snapshot, updated_at");

  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  static final int SQLITE_CORRUPT = 11;
  static final int SQLITE_NOTADB = 26;

  static Path wal(Path f) {
    return f.resolveSibling(f.getFileName() + "-wal");
  }

  /** What SQLite's 100-byte header says; BadInputException when the file cannot be a database. */
  static void checkHeader(Path f) {
    long size;
    byte[] h = new byte[100];
    int n;
    try (InputStream in = Files.newInputStream(f)) {
      size = Files.size(f);
      n = in.readNBytes(h, 0, h.length);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + f + ": " + AtomicFiles.describe(e), e);
    }
    if (size == 0) {
      throw new BadInputException(
          f + " is empty (0 bytes): it is not a jnas experiment database; remove it to start a new search in that folder");
    }
    if (n < MAGIC.length || !java.util.Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new BadInputException(f + " is not an SQLite database (it does not start with 'SQLite format 3'), so not a jnas experiment database");
    }
    if (n < 100) {
      throw new BadInputException(f + " is truncated: " + size + " bytes, shorter than SQLite's 100-byte header; restore it from a backup");
    }
    ByteBuffer b = ByteBuffer.wrap(h);
    int raw = b.getShort(16) & 0xffff;
    long pageSize = raw == 1 ? 65536 : raw;
    if (pageSize < 512 || Long.bitCount(pageSize) != 1) {
      throw new BadInputException(f + " has a damaged header (page size " + raw + "); restore it from a backup");
    }
    // With a write-ahead log next to it, recent pages live in the log and the main file may be
    // shorter; SQLite's own check (quick_check) covers that case.
    if (Files.exists(wal(f))) {
      return;
    }
    long pages = b.getInt(28) & 0xffffffffL;
    boolean pagesValid = b.getInt(24) == b.getInt(92) && pages > 0;
    if (size % pageSize != 0 || (pagesValid && size < pages * pageSize)) {
      throw new BadInputException(
          f + " is truncated: " + size + " bytes, but its header says "
              + (pagesValid ? pages + " pages of " + pageSize + " bytes (" + pages * pageSize + " bytes)" : "pages of " + pageSize + " bytes")
              + "; restore it from a backup");
    }
  }

  /** A read-only connection that writes nothing, not even {@code -wal}/{@code -shm} files when none exist. */
  static Connection connectReadOnly(Path f) {
    // Without a log the file is complete and nobody is writing (a writer keeps its -wal while
    // connected): immutable skips locking and the log. With a log (a live run, or one killed
    // before it checkpointed) the committed trials are in the log, so read through it.
    boolean log = Files.exists(wal(f));
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setBusyTimeout(10_000);
    String url = "jdbc:sqlite:file:" + uriPath(f) + (log ? "?mode=ro" : "?immutable=1");
    try {
      return cfg.createConnection(url);
    } catch (SQLException e) {
      throw new BadInputException("cannot open " + f + " for reading: " + e.getMessage(), e);
    }
  }

  private static String uriPath(Path f) {
    String p = f.toAbsolutePath().toString();
    StringBuilder out = new StringBuilder();
    for (char ch : p.toCharArray()) {
      switch (ch) {
        case '%' -> out.append("%25");
        case '?' -> out.append("%3f");
        case '#' -> out.append("%23");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }

  /**
   * Integrity (PRAGMA quick_check), the jnas meta table and schema version, and every table and
   * column jnas reads.
   */
  static void checkContents(Connection c, Path f) {
    try (Statement s = c.createStatement()) {
      List<String> problems = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("PRAGMA quick_check(3)")) {
        while (rs.next()) {
          problems.add(rs.getString(1).replace('\n', ' ').replace("*** in database main *** ", ""));
        }
      }
      if (!problems.equals(List.of("ok"))) {
        throw corrupt(f, "PRAGMA quick_check: " + String.join("; ", problems));
      }
      String version;
      try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
        version = rs.next() ? rs.getString(1) : null;
      } catch (SQLException e) {
        if (e.getErrorCode() == SQLITE_CORRUPT || e.getErrorCode() == SQLITE_NOTADB) {
          throw e;
        }
        throw new BadInputException(
            f + " is an SQLite database but not a jnas experiment database (it has no jnas meta table; its tables: "
                + tables(s) + ")");
      }
      if (version == null) {
        throw new BadInputException(f + " is not a jnas experiment database (its meta table has no schema_version)");
      }
      int v;
      try {
        v = Integer.parseInt(version.trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(f + " is damaged: its schema_version is '" + version + "', not a number; restore it from a backup");
      }
      if (v != SqliteTrialStore.SCHEMA_VERSION) {
        throw new BadInputException(
            f + " has schema version " + v + "; this jnas reads version " + SqliteTrialStore.SCHEMA_VERSION
                + (v > SqliteTrialStore.SCHEMA_VERSION
                    ? " (the experiment was written by a newer jnas: use that version)"
                    : " (the experiment was written by an older jnas: use that version)"));
      }
      for (var t : TABLES.entrySet()) {
        try (ResultSet rs = s.executeQuery("SELECT " + t.getValue() + " FROM " + t.getKey() + " LIMIT 0")) {
          rs.next();
        } catch (SQLException e) {
          if (e.getErrorCode() == SQLITE_CORRUPT) {
            throw e;
          }
          throw new BadInputException(
              f + " is damaged: table '" + t.getKey() + "' is missing or lacks columns jnas reads (" + reason(e)
                  + "); restore it from a backup");
        }
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == SQLITE_NOTADB) {
        throw new BadInputException(f + " is not an SQLite database (" + reason(e) + "), so not a jnas experiment database", e);
      }
      if (e.getErrorCode() == SQLITE_CORRUPT) {
        throw corrupt(f, reason(e));
      }
      throw new BadInputException("cannot read " + f + ": " + reason(e), e);
    }
  }

  private static BadInputException corrupt(Path f, String detail) {
    String q = SqliteTrialStore.shellQuote(f.toString());
    return new BadInputException(
        f + " is corrupt (" + detail + "). Restore it from a backup, or copy the readable rows into a new"
            + " database and use that: sqlite3 " + q + " .recover | sqlite3 recovered.db");
  }

  private static String tables(Statement s) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** SQLite's own words, without the driver's "[SQLITE_X] ..." prefix. */
  static String reason(SQLException e) {
    String m = String.valueOf(e.getMessage());
    int open = m.lastIndexOf('(');
    return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
  }
}
