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

  @Option(names = "--cluster", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "coordinate a cluster: trials go to the workers (jnas worker --join ...) at these discovery addresses (port default 47500)")
  String clusterJoin;

  @Option(names = "--slots", defaultValue = "0", paramLabel = "N",
      description = "with --cluster: trials this process runs itself besides coordinating (default: ${DEFAULT-VALUE})")
  int slots;

  @picocli.CommandLine.Mixin ClusterOptions clusterOptions;

  @Override
  public Integer call() {
    try (dev.jnas.cluster.ClusterNode node = coordinator(clusterJoin, slots, clusterOptions);
        Experiment e = Experiment.create(config, output)) {
      if (node != null) {
        e.distributeWith(dev.jnas.cluster.ClusterExecutor.on(node), dev.jnas.cluster.ClusterParameterServer.on(node));
      }
      return RunOutput.runAndReport(e, quiet, spec.commandLine().getOut());
    }
  }

  /** Starts this process's cluster node when --cluster is given (a coordinator, with --slots of its own). */
  static dev.jnas.cluster.ClusterNode coordinator(String join, int slots, ClusterOptions options) {
    if (join == null) {
      if (slots != 0) {
        throw new dev.jnas.util.BadInputException("--slots needs --cluster (without a cluster, the config's concurrency sets parallel trials)");
      }
      return null;
    }
    var settings = options.settings("--cluster", join, slots);
    double gflops = slots > 0 ? dev.jnas.cluster.Calibration.gflops() : Double.NaN;
    return dev.jnas.cluster.ClusterNode.start(settings, "coordinator", gflops);
  }
}
