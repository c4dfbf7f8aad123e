package dev.jnas.web;

import dev.jnas.store.SqliteTrialStore;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The experiment folders a dashboard serves: one folder, or every experiment folder under a root
 * (two levels deep, so a search's own sub-experiments show too). Each has an id, its path relative
 * to the root with {@code /} separators; requests name experiments by id only, and only ids found
 * by a scan resolve, so no request can reach a path outside the served roots.
 */
final class ExperimentFolders {
  private static final int DEPTH = 2;
  private final Path root;
  private final boolean single;

  private ExperimentFolders(Path root, boolean single) {
    this.root = root.toAbsolutePath().normalize();
    this.single = single;
  }

  /** One experiment folder. */
  static ExperimentFolders single(Path dir) {
    if (!Files.isRegularFile(dir.resolve(SqliteTrialStore.FILE_NAME))) {
      throw new BadInputException(dir + " is not an experiment folder (it has no " + SqliteTrialStore.FILE_NAME
          + "); to serve every experiment under a folder use --root " + dir);
    }
    return new ExperimentFolders(dir, true);
  }

  /** Every experiment folder under {@code root}, found afresh at each {@link #scan}. */
  static ExperimentFolders under(Path root) {
    if (!Files.isDirectory(root)) {
      throw new BadInputException("folder " + root + " does not exist: start a search first (jnas search writes to"
          + " experiments/<name>), or give --root FOLDER or an experiment folder");
    }
    return new ExperimentFolders(root, false);
  }

  /** The served experiments by id, in path order. */
  Map<String, Path> scan() {
    Map<String, Path> out = new LinkedHashMap<>();
    if (single) {
      out.put(root.getFileName() == null ? "experiment" : root.getFileName().toString(), root);
      return out;
    }
    try (Stream<Path> files = Files.find(root, DEPTH + 1,
        (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(SqliteTrialStore.FILE_NAME))) {
      files.map(Path::getParent).sorted().forEach(d -> {
        String id = root.relativize(d).toString().replace('\\', '/');
        out.put(id.isEmpty() ? "." : id, d);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The folder of experiment {@code id}, if a scan finds it now. */
  Optional<Path> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(scan().get(id));
  }
}
