package dev.jnas.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a crash or power loss leaves either the old or the new content, never a
 * torn file: the bytes go to a temporary sibling, are forced to disk, the temporary is renamed over
 * the target, and the folder entry is forced too.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code node} as indented JSON to {@code file} atomically and durably. */
  public static void writeJson(Path file, JsonNode node) {
    try {
      write(file, Json.MAPPER.writeValueAsBytes(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new NasException("cannot serialise " + file + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Writes {@code bytes} to {@code file} atomically and durably, creating parent folders. */
  public static void write(Path file, byte[] bytes) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write already failed; report that
      }
      throw new NasException("cannot write " + file + ": " + describe(e), e);
    }
  }

  /** Forces a folder's entries (a rename or a new file in it) to disk; a no-op where unsupported. */
  public static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some file systems cannot open folders for reading; the rename itself is still atomic
    }
  }

  /**
   * The reason behind an I/O error in words: {@code AccessDeniedException} and friends carry only
   * the path as their message.
   */
  public static String describe(IOException e) {
    String reason =
        switch (e.getClass().getSimpleName()) {
          case "AccessDeniedException" -> "permission denied";
          case "NoSuchFileException" -> "no such file or folder";
          case "FileAlreadyExistsException" -> "a file is in the way";
          case "NotDirectoryException" -> "not a folder";
          case "DirectoryNotEmptyException" -> "folder not empty";
          case "FileSystemLoopException" -> "symbolic link loop";
          default -> null;
        };
    String m = e.getMessage();
    if (reason == null) {
      return m == null ? e.getClass().getSimpleName() : m;
    }
    String other = e instanceof java.nio.file.FileSystemException f ? f.getReason() : null;
    return reason + (other != null ? " (" + other + ")" : "") + (m != null ? ": " + m : "");
  }
}
