package dev.jnas.cli;

import dev.jnas.api.Experiment;
import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    mixinStandardHelpOptions = true,
    name = "resume",
    description = {
      "Continue an interrupted experiment (Ctrl-C, crash, kill -9, power loss) where it stopped:"
          + " finished trials are kept, trials in flight run again (from their last epoch checkpoint), the strategy continues.",
      "A finished experiment is left as it is, unless --extend gives it more budget."
    })
final class ResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", description = "experiment folder")
  Path dir;

  @Option(names = "--quiet", description = "no progress bar or per-trial lines")
  boolean quiet;

  @picocli.CommandLine.Mixin CoordinatorOptions cluster;

  @Option(
      names = "--extend",
      split = ",",
      paramLabel = "trials=N|minutes=M",
      description = "more budget: N more trials and/or M minutes of searching, e.g. --extend trials=20 or --extend minutes=30")
  Map<String, String> extend;

  @Override
  public Integer call() {
    Integer trials = null;
    Double minutes = null;
    if (extend != null) {
      for (var kv : extend.entrySet()) {
        switch (kv.getKey()) {
          case "trials" -> trials = positiveInt(kv.getValue());
          case "minutes" -> minutes = positiveNumber(kv.getValue());
          default -> throw new BadInputException(
              "--extend " + kv.getKey() + "=" + kv.getValue() + ": unknown budget '" + kv.getKey() + "' (valid: trials, minutes)");
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (dev.jnas.cluster.ClusterNode node = cluster.start();
        Experiment e = Experiment.open(dir)) {
      CoordinatorOptions.distribute(e, node);
      if (trials != null || minutes != null) {
        e.extend(trials, minutes);
      } else if (e.isFinished()) {
        out.println("experiment " + e.name() + " in " + e.dir().toAbsolutePath() + " has finished ("
            + e.trials().size() + " trials); nothing to do.");
        out.println("To continue it with more budget: jnas resume " + dir + " --extend trials=N (or minutes=M)");
        return 0;
      }
      return RunOutput.runAndReport(e, quiet, out);
    }
  }

  private static int positiveInt(String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadInputException("--extend trials=" + v + ": must be a whole number >= 1");
  }

  private static double positiveNumber(String v) {
    try {
      double m = Double.parseDouble(v.trim());
      if (m > 0 && m <= dev.jnas.experiment.ExperimentConfig.MAX_MINUTES) {
        return m;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadInputException("--extend minutes=" + v + ": must be a number in (0, "
        + (long) dev.jnas.experiment.ExperimentConfig.MAX_MINUTES + "]");
  }
}
