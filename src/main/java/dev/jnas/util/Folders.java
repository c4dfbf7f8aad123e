package dev.jnas.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates folders so that a failure leaves nothing behind: names the file system would refuse are
 * rejected before anything is made, and what was made is removed again when a later step fails.
 */
public final class Folders {
  /** The longest file name (bytes of UTF-8) Linux, macOS and Windows file systems accept. */
  public static final int MAX_NAME_BYTES = 255;

  private Folders() {}

  /** Folders created by {@link #create}, outermost first; {@link #undo} removes them again. */
  public static final class Made {
    private final List<Path> created;

    private Made(List<Path> created) {
      this.created = created;
    }

    /**
     * Removes the folders this call created, with everything in them (only the caller wrote
     * there); best effort, as it runs while another error is reported.
     */
    public void undo() {
      if (created.isEmpty()) {
        return;
      }
      try {
        deleteTree(created.get(0));
      } catch (RuntimeException e) {
        // the original error matters more than a leftover folder
      }
    }
  }

  /**
   * Deletes {@code dir} with everything in it; nothing happens when it does not exist. Symbolic
   * links are deleted, not followed.
   *
   * @throws NasException naming the entry that could not be deleted and why
   */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              Files.delete(d);
              return java.nio.file.FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new NasException("cannot delete " + dir + ": " + AtomicFiles.describe(e), e);
    }
  }

  /**
   * Rejects a path whose names a file system would refuse (longer than {@link #MAX_NAME_BYTES}
   * bytes), without touching the disk.
   *
   * @param what the path's role in messages, e.g. "experiment folder"
   */
  public static void checkNames(Path dir, String what) {
    for (Path name : dir) {
      int bytes = name.toString().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_NAME_BYTES) {
        String shown = name.toString().length() > 40 ? name.toString().substring(0, 40) + "..." : name.toString();
        throw new BadInputException(
            what + " " + dir + ": the name '" + shown + "' is " + bytes + " bytes long; file systems allow at most "
                + MAX_NAME_BYTES);
      }
    }
  }

  /**
   * Creates {@code dir} and its missing parents after {@link #checkNames}; on failure removes what
   * it made and reports the reason in words.
   *
   * @param what the folder's role in messages, e.g. "experiment folder"
   */
  public static Made create(Path dir, String what) {
    checkNames(dir, what);
    List<Path> missing = new ArrayList<>();
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    Made made = new Made(new ArrayList<>());
    try {
      for (Path p : missing) {
        try {
          Files.createDirectory(p);
          made.created.add(p);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          if (!Files.isDirectory(p)) {
            throw e;
          } // another process made it meanwhile: not ours to remove
        }
      }
      if (!Files.isDirectory(dir)) {
        throw new java.nio.file.NotDirectoryException(dir.toString());
      }
      return made;
    } catch (IOException e) {
      made.undo();
      throw new BadInputException("cannot create " + what + " " + dir + ": " + AtomicFiles.describe(e), e);
    }
  }
}
