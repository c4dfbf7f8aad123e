package dev.jnas.cli;

import dev.jnas.api.Experiment;
import dev.jnas.cluster.Calibration;
import dev.jnas.cluster.ClusterExecutor;
import dev.jnas.cluster.ClusterNode;
import dev.jnas.cluster.ClusterParameterServer;
import dev.jnas.util.BadInputException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** search's and resume's --cluster: this process coordinates a cluster's workers. */
final class CoordinatorOptions {
  @Option(names = "--cluster", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "coordinate a cluster: trials go to the workers (jnas worker --join ...) at these discovery addresses (port default 47500)")
  String join;

  @Option(names = "--slots", defaultValue = "0", paramLabel = "N",
      description = "with --cluster: trials this process runs itself besides coordinating (default: ${DEFAULT-VALUE})")
  int slots;

  @Mixin ClusterOptions node;

  /** Starts this process's cluster node when --cluster is given; null without it. */
  ClusterNode start() {
    if (join == null) {
      if (slots != 0) {
        throw new BadInputException("--slots needs --cluster (without a cluster, the config's concurrency sets parallel trials)");
      }
      return null;
    }
    var settings = node.settings("--cluster", join, slots);
    double gflops = slots > 0 ? Calibration.gflops() : Double.NaN;
    return ClusterNode.start(settings, "coordinator", gflops);
  }

  /** Sends {@code e}'s trials (and its controller's parameters) to the cluster of {@code cluster}, if any. */
  static void distribute(Experiment e, ClusterNode cluster) {
    if (cluster != null) {
      e.distributeWith(ClusterExecutor.on(cluster), ClusterParameterServer.on(cluster));
    }
  }
}
