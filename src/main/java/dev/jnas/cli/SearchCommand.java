package dev.jnas.cli;

import dev.jnas.api.Experiment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "search", description = "Run an architecture search from a YAML/JSON config.")
final class SearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, description = "experiment config (YAML or JSON); relative paths in it resolve against its folder")
  Path config;

  @Option(names = {"-o", "--output"}, description = "experiment folder (default: experiments/<name>)")
  Path output;

  @Option(names = "--quiet", description = "no progress bar or per-trial lines")
  boolean quiet;

  @picocli.CommandLine.Mixin CoordinatorOptions cluster;

  @Override
  public Integer call() {
    try (dev.jnas.cluster.ClusterNode node = cluster.start();
        Experiment e = Experiment.create(config, output)) {
      CoordinatorOptions.distribute(e, node);
      return RunOutput.runAndReport(e, quiet, spec.commandLine().getOut());
    }
  }
}
