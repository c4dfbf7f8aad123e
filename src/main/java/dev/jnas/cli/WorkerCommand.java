package dev.jnas.cli;

import dev.jnas.cluster.Calibration;
import dev.jnas.cluster.ClusterNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    mixinStandardHelpOptions = true,
    name = "worker",
    description = {
      "Join a jnas cluster and run trials for any experiment whose coordinator (jnas search --cluster) is in it,"
          + " until stopped (Ctrl-C).",
      "Every worker must see the experiments' data at the same path as the coordinator."
    })
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--join", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "discovery addresses of the cluster's machines (port default 47500); list every machine of the cluster")
  String join;

  @Option(names = "--slots", defaultValue = "1", paramLabel = "N", description = "trials this worker runs at once (default: ${DEFAULT-VALUE})")
  int slots;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    var settings = cluster.settings("--join", join, slots);
    if (slots < 1) {
      throw new dev.jnas.util.BadInputException("--slots " + slots + ": a worker needs at least 1");
    }
    double gflops = Calibration.gflops();
    CountDownLatch stop = new CountDownLatch(1);
    ClusterNode node = ClusterNode.start(settings, "worker", gflops);
    // Ctrl-C or kill: leave the cluster cleanly before the JVM ends
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stop.countDown();
    }, "jnas-worker-stop"));
    node.reportTrialsTo(out);
    out.printf("worker %s joined the cluster (%d nodes now): %d slot%s, %.1f GFLOP/s; waiting for trials (Ctrl-C to leave)%n",
        node.name(), node.size(), slots, slots == 1 ? "" : "s", gflops);
    out.flush();
    stop.await();
    return 0;
  }
}
