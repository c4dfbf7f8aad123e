package dev.jnas.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.api.Experiment;
import dev.jnas.experiment.ExperimentConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "search", description = "Run an architecture search from a YAML/JSON config.")
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, description = "experiment config (YAML or JSON)")
  Path config;

  @Option(names = {"-o", "--output"}, description = "experiment folder (default: experiments/<name>)")
  Path output;

  @Option(names = "--quiet", description = "no progress bar or per-trial lines")
  boolean quiet;

  @Override
  public Integer call() {
    ExperimentConfig cfg = ExperimentConfig.load(config);
    Path dir = output != null ? output : Path.of("experiments", cfg.name());
    try (Experiment e = Experiment.create(cfg, dir)) {
      return RunOutput.runAndReport(e, quiet, spec.commandLine().getOut());
    }
  }
}
