package dev.jnas.cli;

import dev.jnas.api.Experiment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "resume", description = "Continue an interrupted experiment (crash, kill -9, power loss) where it stopped.")
final class ResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", description = "experiment folder")
  Path dir;

  @Option(names = "--quiet", description = "no progress bar or per-trial lines")
  boolean quiet;

  @Override
  public Integer call() {
    try (Experiment e = Experiment.open(dir)) {
      return RunOutput.runAndReport(e, quiet, spec.commandLine().getOut());
    }
  }
}
