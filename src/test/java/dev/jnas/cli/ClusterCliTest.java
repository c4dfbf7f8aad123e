package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.cluster.ClusterNode;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.store.TrialStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters of separate JVMs on loopback, started as a user starts them ({@code jnas worker --join},
 * {@code jnas search --cluster}), each on ports of its own.
 */
class ClusterCliTest {
  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** A first discovery port P with P..P+9 and the communication ports P-400..P-301 free. */
  static int freePorts() throws IOException {
    for (int p = 48_000 + (int) (ProcessHandle.current().pid() % 50) * 20; p < 60_000; p += 20) {
      if (free(p, 10) && free(p - 400, 100)) {
        return p;
      }
    }
    throw new IllegalStateException("no free ports");
  }

  private static boolean free(int from, int count) {
    for (int q = from; q < from + count; q++) {
      try (ServerSocket s = new ServerSocket(q, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  Process jnas(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xmx512m", "-Dai.djl.offline=true"));
    cmd.addAll(ClusterNode.jvmFlags());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.jnas.cli.Main"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    children.add(p);
    return p;
  }

  Process worker(int port, String name, String... more) throws Exception {
    Path log = dir.resolve(name + ".log");
    List<String> args = new ArrayList<>(List.of("worker", "--join", "127.0.0.1:" + port, "--port", "" + port, "--name", name));
    args.addAll(List.of(more));
    Process p = jnas(log, args.toArray(String[]::new));
    await(() -> ChildJvm.log(log).contains("joined the cluster"), 60, p, log);
    return p;
  }

  static void await(BooleanSupplier condition, int seconds, Process watched, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s; log: " + ChildJvm.log(log));
      }
      if (watched != null && !watched.isAlive()) {
        throw new AssertionError("process ended (exit " + watched.exitValue() + "); log: " + ChildJvm.log(log));
      }
      Thread.sleep(100);
    }
  }

  Path config(String strategy, int trials, int delayMs, Path data) throws IOException {
    Path cfg = dir.resolve("search-" + strategy + ".yaml");
    Files.writeString(cfg, String.join("\n",
        "name: cluster-test",
        "seed: 7",
        "space: nasbench201",
        "strategy: {name: " + strategy + "}",
        "evaluator: {type: tabular, benchmark: nasbench201, data: " + data.toAbsolutePath() + ", metric: cifar10-val, delay_ms: " + delayMs + "}",
        "budget: {max_trials: " + trials + "}", ""));
    return cfg;
  }

  private static long count(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).count();
  }

  @Test
  void aWorkerKilledMidTrialLosesNothingAndTheTrialsAreThoseOfTheSameSearchWithoutTheKill() throws Exception {
    int port = freePorts();
    Process w1 = worker(port, "w1");
    worker(port, "w2");
    Path cfg = config("random", 12, 600, TabularSearchCliTest.NB201);
    Path out = dir.resolve("out");
    Path log = dir.resolve("coordinator.log");
    Process coordinator = jnas(log, "search", "-c", cfg.toString(), "-o", out.toString(), "--cluster", "127.0.0.1:" + port,
        "--port", "" + port, "--quiet");
    Path w1log = dir.resolve("w1.log");
    // w1 has finished one trial and started its second: kill it in the middle of that one
    await(() -> count(ChildJvm.log(w1log), "started") >= 2, 90, coordinator, log);
    w1.destroyForcibly().waitFor(); // SIGKILL
    assertThat(coordinator.waitFor(120, TimeUnit.SECONDS)).as(ChildJvm.log(log)).isTrue();
    assertThat(coordinator.exitValue()).as(ChildJvm.log(log)).isZero();
    assertThat(ChildJvm.log(log)).contains("worker w1 left while running trial");

    List<TrialRecord> trials;
    Map<Long, TrialStore.TrialWorker> ranOn;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      trials = s.trials();
      ranOn = s.trialWorkers();
    }
    assertThat(trials).hasSize(12).allMatch(t -> t.status() == TrialStatus.COMPLETE);
    assertThat(trials.stream().map(TrialRecord::id).distinct()).hasSize(12);
    assertThat(ranOn).hasSize(12);
    // the trial w1 was running ran again, on w2, and is recorded once
    assertThat(ranOn.values()).anyMatch(w -> w.attempts() == 2 && w.worker().equals("w2"));
    assertThat(ranOn.values().stream().map(TrialStore.TrialWorker::worker)).contains("w1", "w2");

    // random search's proposals do not depend on timing: the same trials as in one process
    Path ref = dir.resolve("ref");
    assertThat(Main.run("search", "-c", cfg.toString(), "-o", ref.toString(), "--quiet")).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(ref)) {
      assertThat(trials.stream().map(t -> t.id() + " " + t.architecture() + " " + t.result().reward()).toList())
          .isEqualTo(s.trials().stream().map(t -> t.id() + " " + t.architecture() + " " + t.result().reward()).toList());
    }
    var shown = CliRunner.run("show", out.toString());
    assertThat(shown.exitCode()).isZero();
    assertThat(shown.out()).contains("w2 (2 attempts)").contains("workers (speed").containsPattern("w1\\s+1\\s+[0-9.]+");
  }

  @Test
  void aWorkerThatCannotReadTheDataFailsItsFirstTrialAndTakesNoMore() throws Exception {
    int port = freePorts();
    Path data = dir.resolve("data").resolve("nb201.csv");
    Files.createDirectories(data.getParent());
    Files.copy(TabularSearchCliTest.NB201, data);
    Path out = dir.resolve("out");
    Path log = dir.resolve("coordinator.log");
    Process coordinator = jnas(log, "search", "-c", config("random", 4, 100, data).toString(), "-o", out.toString(),
        "--cluster", "127.0.0.1:" + port, "--port", "" + port, "--quiet");
    // the coordinator has read the data and waits for workers: now the data goes away
    await(() -> ChildJvm.log(log).contains("waiting for one to join"), 60, coordinator, log);
    Path away = dir.resolve("away.csv");
    Files.move(data, away);
    Process blind = worker(port, "blind");
    await(() -> ChildJvm.log(dir.resolve("blind.log")).contains("cannot run experiment"), 60, coordinator, log);
    Files.move(away, data, StandardCopyOption.ATOMIC_MOVE);
    worker(port, "seeing");
    assertThat(coordinator.waitFor(120, TimeUnit.SECONDS)).as(ChildJvm.log(log)).isTrue();
    assertThat(coordinator.exitValue()).as(ChildJvm.log(log)).isZero();
    assertThat(blind.isAlive()).isTrue(); // it stays in the cluster, it just takes no trials of this experiment
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      List<TrialRecord> trials = s.trials();
      assertThat(trials).hasSize(4);
      TrialRecord first = trials.get(0);
      assertThat(first.status()).isEqualTo(TrialStatus.FAILED);
      assertThat(first.result().error()).contains("worker blind cannot run this experiment").contains("nb201.csv");
      assertThat(trials.subList(1, 4)).allMatch(t -> t.status() == TrialStatus.COMPLETE);
      assertThat(s.trialWorkers().values().stream().filter(w -> w.worker().equals("blind"))).hasSize(1);
    }
  }

  @Test
  void aNodeWithoutTheClusterSecretIsRefused() throws Exception {
    int port = freePorts();
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "correct horse battery staple\n");
    worker(port, "member", "--secret-file", secret.toString());
    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "something else\n");
    Path log = dir.resolve("intruder.log");
    Process intruder = jnas(log, "worker", "--join", "127.0.0.1:" + port, "--port", "" + port, "--name", "intruder",
        "--secret-file", wrong.toString());
    assertThat(intruder.waitFor(90, TimeUnit.SECONDS)).as(ChildJvm.log(log)).isTrue();
    assertThat(intruder.exitValue()).as(ChildJvm.log(log)).isEqualTo(2);
    assertThat(ChildJvm.log(log)).contains("cannot join the cluster").contains("does not know this cluster's secret");
  }

  @Test
  void aKilledCoordinatorResumesWithoutRunningAgainWhatWorkersFinishedOrStillRun() throws Exception {
    int port = freePorts();
    worker(port, "w1");
    worker(port, "w2");
    Path cfg = config("random", 8, 4000, TabularSearchCliTest.NB201);
    Path out = dir.resolve("out");
    Path log = dir.resolve("coordinator.log");
    String[] cluster = {"--cluster", "127.0.0.1:" + port, "--port", "" + port, "--quiet"};
    List<String> search = new ArrayList<>(List.of("search", "-c", cfg.toString(), "-o", out.toString()));
    search.addAll(List.of(cluster));
    Process coordinator = jnas(log, search.toArray(String[]::new));
    Path w1 = dir.resolve("w1.log");
    Path w2 = dir.resolve("w2.log");
    // the second round has started on both workers: kill the coordinator while they run it
    await(() -> count(ChildJvm.log(w1), "started") + count(ChildJvm.log(w2), "started") >= 4, 90, coordinator, log);
    coordinator.destroyForcibly().waitFor(); // SIGKILL
    Path log2 = dir.resolve("resumed.log");
    List<String> resume = new ArrayList<>(List.of("resume", out.toString()));
    resume.addAll(List.of(cluster));
    Process resumed = jnas(log2, resume.toArray(String[]::new));
    assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).as(ChildJvm.log(log2)).isTrue();
    assertThat(resumed.exitValue()).as(ChildJvm.log(log2)).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.trials()).hasSize(8).allMatch(t -> t.status() == TrialStatus.COMPLETE);
    }
    // every trial started exactly once on the workers: the two running at the kill were neither lost nor re-run
    String workers = ChildJvm.log(w1) + ChildJvm.log(w2);
    for (int id = 0; id < 8; id++) {
      assertThat(count(workers, "trial " + id + " of ")).as("trial " + id + " in\n" + workers).isEqualTo(2); // started + ended
    }
  }

  @Test
  void theControllersShardsLiveInTheClusterAndItsReplicasRecordStaleness() throws Exception {
    int port = freePorts();
    worker(port, "w1");
    worker(port, "w2");
    Path cfg = dir.resolve("rl.yaml");
    Files.writeString(cfg, String.join("\n",
        "name: cluster-rl",
        "seed: 3",
        "space: nasbench201",
        "strategy: {name: reinforce, params: {replicas: 3, shards: 2, batch: 4}}",
        "evaluator: {type: tabular, benchmark: nasbench201, data: " + TabularSearchCliTest.NB201.toAbsolutePath() + ", metric: cifar10-val, delay_ms: 50}",
        "budget: {max_trials: 36}", ""));
    Path out = dir.resolve("out");
    Path log = dir.resolve("coordinator.log");
    Process coordinator = jnas(log, "search", "-c", cfg.toString(), "-o", out.toString(), "--cluster", "127.0.0.1:" + port,
        "--port", "" + port, "--quiet");
    assertThat(coordinator.waitFor(120, TimeUnit.SECONDS)).as(ChildJvm.log(log)).isTrue();
    assertThat(coordinator.exitValue()).as(ChildJvm.log(log)).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.trials()).hasSize(36).allMatch(t -> t.status() == TrialStatus.COMPLETE);
      var snapshot = dev.jnas.util.Json.MAPPER.readTree(s.strategySnapshot().orElseThrow()).path("strategy");
      var updates = snapshot.path("update_log");
      assertThat(updates.size()).isEqualTo(9); // 36 trials in batches of 4
      long maxStaleness = 0;
      for (var u : updates) {
        for (var st : u.get(2)) {
          maxStaleness = Math.max(maxStaleness, st.asLong());
        }
      }
      assertThat(maxStaleness).isPositive(); // replicas learnt from parameters others had moved on
      assertThat(snapshot.path("server").size()).isEqualTo(2);
    }
  }

  @Test
  void trainedTrialsOnAWorkerReportTheirEpochsToTheCoordinator() throws Exception {
    int port = freePorts();
    worker(port, "trainer");
    Path cfg = dir.resolve("train.yaml");
    Files.writeString(cfg, TinyTrainingConfig.yaml("cluster-train", 5, "{train: 600, test: 200, size: 14}",
        "{batch_size: 64, learning_rate: 0.1}", "{max_trials: 2, epochs: 2}", "{epochs: 1}"));
    Path out = dir.resolve("out");
    Path log = dir.resolve("coordinator.log");
    Process coordinator = jnas(log, "search", "-c", cfg.toString(), "-o", out.toString(), "--cluster", "127.0.0.1:" + port,
        "--port", "" + port, "--quiet");
    assertThat(coordinator.waitFor(180, TimeUnit.SECONDS)).as(ChildJvm.log(log)).isTrue();
    assertThat(coordinator.exitValue()).as(ChildJvm.log(log)).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.trials()).hasSize(2).allMatch(t -> t.status() == TrialStatus.COMPLETE);
      for (TrialRecord t : s.trials()) {
        // the epochs the worker trained, as it reported them, in the coordinator's store
        assertThat(s.epochs(t.id())).extracting(dev.jnas.evaluate.EpochMetrics::epoch).containsExactly(1, 2);
        assertThat(t.result().params()).isPositive();
        assertThat(s.trialWorkers().get(t.id()).worker()).isEqualTo("trainer");
      }
    }
    // the final retraining ran on the coordinator
    assertThat(dev.jnas.util.Json.MAPPER.readTree(out.resolve("summary.json").toFile()).path("final").path("test_accuracy").isNumber()).isTrue();
  }

  /** The README's commands for a coordinator and two workers, run as written but on loopback. */
  @Test
  void theReadmeCommandsRunACoordinatorAndTwoWorkers() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int from = readme.indexOf("<!-- cluster-commands");
    int to = readme.indexOf("<!-- /cluster-commands -->");
    assertThat(from).isPositive();
    List<String> commands = readme.substring(from, to).lines().filter(l -> l.startsWith("./jnas ")).toList();
    assertThat(commands).hasSize(3);
    Path out = dir.resolve("experiment");
    List<String[]> args = new ArrayList<>();
    for (String c : commands) {
      String line = c.replaceAll("10\\.0\\.0\\.[0-9]+", "127.0.0.1").replace("experiments/nb201-cluster", out.toString())
          .substring("./jnas ".length());
      args.add(line.split(" +"));
    }
    assertThat(args.get(0)[0]).isEqualTo("worker");
    for (String name : List.of("wa", "wb")) {
      Path log = dir.resolve(name + ".log");
      Process w = jnas(log, args.get(0));
      await(() -> ChildJvm.log(log).contains("joined the cluster"), 60, w, log);
    }
    List<String> search = new ArrayList<>(List.of(args.get(1)));
    search.addAll(List.of("-o", out.toString(), "--quiet"));
    Path log = dir.resolve("coordinator.log");
    Process coordinator = jnas(log, search.toArray(String[]::new));
    assertThat(coordinator.waitFor(120, TimeUnit.SECONDS)).as(ChildJvm.log(log)).isTrue();
    assertThat(coordinator.exitValue()).as(ChildJvm.log(log)).isZero();
    var shown = CliRunner.run(args.get(2));
    assertThat(shown.exitCode()).isZero();
    assertThat(shown.out()).contains("FINISHED, 24 trials").contains("workers (speed");
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      // both workers took trials
      assertThat(s.trialWorkers().values().stream().map(TrialStore.TrialWorker::worker).distinct()).hasSize(2);
    }
  }
}
