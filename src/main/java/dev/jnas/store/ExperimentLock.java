package dev.jnas.store;

import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One process per experiment: an exclusive OS lock on {@code experiment.lock} in the experiment
 * folder, held while a search or resume writes to it. The operating system drops the lock when the
 * process ends, however it ends (kill -9 included), so a dead run never leaves the folder stuck; a
 * stale file without a lock is simply locked again.
 *
 * <p>Locks held by this JVM are also kept in a table: a second acquire in the same JVM is refused
 * without reopening the file (closing any channel on a file drops all of a process's POSIX locks
 * on it).
 */
public final class ExperimentLock implements AutoCloseable {
  /** The lock file in the experiment folder. */
  public static final String FILE_NAME = "experiment.lock";

  /** Tries before refusing: a concurrent {@link #isHeld} probe holds a shared lock for a moment. */
  private static final int TRIES = 10;

  private static final Map<Path, ExperimentLock> HELD = new HashMap<>();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private ExperimentLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks the existing folder {@code dir} for this process.
   *
   * @throws BadInputException when another process (or another run in this JVM) holds it, or the
   *     lock file cannot be created, with the reason
   */
  public static synchronized ExperimentLock acquire(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    Path key = key(dir);
    if (HELD.containsKey(key)) {
      throw inUse(dir, "this process");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new BadInputException("cannot lock experiment folder " + dir + ": " + AtomicFiles.describe(e), e);
    }
    try {
      for (int i = 0; i < TRIES; i++) {
        FileLock l = ch.tryLock();
        if (l != null) {
          ExperimentLock held = new ExperimentLock(key, ch, l);
          held.writeOwner();
          HELD.put(key, held);
          return held;
        }
        Thread.sleep(20);
      }
      String owner = readOwner(ch);
      ch.close();
      throw inUse(dir, owner.isEmpty() ? "another process" : owner);
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new BadInputException("cannot lock experiment folder " + dir + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(ch);
      throw new BadInputException("interrupted while locking experiment folder " + dir, e);
    }
  }

  /**
   * Whether a live process (this one included) holds the folder's lock, i.e. a search or resume is
   * running on it. Reads only: never creates the lock file.
   */
  public static synchronized boolean isHeld(Path dir) {
    if (HELD.containsKey(key(dir))) {
      return true;
    }
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return false; // unreadable lock file: nobody can be told apart; report the stored status
    }
  }

  private static BadInputException inUse(Path dir, String owner) {
    return new BadInputException(
        "experiment folder " + dir + " is in use by " + owner + " (a search or resume is running on it); wait for it to"
            + " finish or stop it, then run 'jnas resume " + dir + "'");
  }

  /** Records who holds the lock, for the message another process shows when it is refused. */
  private void writeOwner() throws IOException {
    String pid = "process " + ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    channel.truncate(0);
    ByteBuffer b = ByteBuffer.wrap(pid.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      channel.write(b, b.position());
    }
  }

  private static String readOwner(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(256);
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
  }

  private static Path key(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (IOException e) {
      return abs;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // reporting the first error
    }
  }

  /** Releases the lock; the file stays (removing it could race with a process about to lock it). */
  @Override
  public void close() {
    synchronized (ExperimentLock.class) {
      if (HELD.get(key) != this) {
        return;
      }
      HELD.remove(key);
      try {
        lock.release();
      } catch (IOException e) {
        // closing the channel below drops the lock as well
      }
      closeQuietly(channel);
    }
  }
}
