package dev.jnas.cli;

import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.BadInputException;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "list", description = {
      "List the experiments under a folder (reads only).",
      "A run whose process is gone is INTERRUPTED; an experiment that cannot be read is BROKEN, with the reason on"
          + " stderr, and the exit code is then 2."
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", defaultValue = "experiments", description = "folder holding experiment folders (default: ${DEFAULT-VALUE})")
  Path root;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new BadInputException("folder " + root + " does not exist");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String> broken = new ArrayList<>();
    out.printf(Locale.ROOT, "%-30s %-11s %7s %10s  %s%n", "experiment", "status", "trials", "best", "folder");
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.sorted().toList()) {
        if (!Files.exists(d.resolve(SqliteTrialStore.FILE_NAME))) {
          continue;
        }
        // one broken experiment is listed as such; the others are still listed
        try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(d)) {
          var info = s.experiment().orElseThrow();
          List<TrialRecord> trials = s.trials();
          String best = ExperimentRunner.best(trials).map(t -> String.format(Locale.ROOT, "%.4f", t.result().reward())).orElse("-");
          out.printf(Locale.ROOT, "%-30s %-11s %7d %10s  %s%n", info.name(), dev.jnas.view.ExperimentView.status(info.status(), d), trials.size(), best, d);
        } catch (NasException e) {
          out.printf(Locale.ROOT, "%-30s %-11s %7s %10s  %s%n", d.getFileName(), "BROKEN", "-", "-", d);
          broken.add(e.getMessage());
        }
      }
    }
    out.flush();
    // like ls: everything that could be read is listed, and the exit code says something could not
    for (String why : broken) {
      spec.commandLine().getErr().println("jnas: error: " + why);
    }
    return broken.isEmpty() ? 0 : Main.BAD_INPUT;
  }
}
