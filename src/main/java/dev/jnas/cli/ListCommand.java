package dev.jnas.cli;

import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "list", description = "List the experiments under a folder.")
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
    out.printf(Locale.ROOT, "%-30s %-10s %7s %10s  %s%n", "experiment", "status", "trials", "best", "folder");
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.sorted().toList()) {
        if (!Files.isRegularFile(d.resolve(SqliteTrialStore.FILE_NAME))) {
          continue;
        }
        try (SqliteTrialStore s = SqliteTrialStore.openExisting(d)) {
          var info = s.experiment().orElse(null);
          if (info == null) {
            continue;
          }
          List<TrialRecord> trials = s.trials();
          String best = ExperimentRunner.best(trials).map(t -> String.format(Locale.ROOT, "%.4f", t.result().reward())).orElse("-");
          out.printf(Locale.ROOT, "%-30s %-10s %7d %10s  %s%n", info.name(), info.status(), trials.size(), best, d);
        }
      }
    }
    return 0;
  }
}
