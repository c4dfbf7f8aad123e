package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadGovernorTest {

  @Test
  void anIdleMachineKeepsTheRequestAndABusyCoreTakesAThreadAway() {
    assertThat(ThreadGovernor.target(2, 1.95, 1, 2)).isEqualTo(2);
    assertThat(ThreadGovernor.target(2, 1.0, 1, 2)).isEqualTo(1);
    assertThat(ThreadGovernor.target(8, 5.0, 1, 8)).isEqualTo(5);
    // never more than asked for, never fewer than one
    assertThat(ThreadGovernor.target(2, 16.0, 1, 2)).isEqualTo(2);
    assertThat(ThreadGovernor.target(4, -3.0, 1, 4)).isEqualTo(1);
    assertThat(ThreadGovernor.target(1, 0.2, 1, 1)).isEqualTo(1);
  }

  @Test
  void theCountDoesNotFlapAroundAHalfBusyCore() {
    // from 2: down only when the share falls below 1.35
    assertThat(ThreadGovernor.target(2, 1.4, 1, 2)).isEqualTo(2);
    assertThat(ThreadGovernor.target(2, 1.3, 1, 2)).isEqualTo(1);
    // from 1: up only when the share reaches 1.65
    assertThat(ThreadGovernor.target(2, 1.5, 1, 1)).isEqualTo(1);
    assertThat(ThreadGovernor.target(2, 1.7, 1, 1)).isEqualTo(2);
  }

  @Test
  void concurrentLoopsShareTheFreeCores() {
    assertThat(ThreadGovernor.target(2, 2.0, 2, 2)).isEqualTo(1);
    assertThat(ThreadGovernor.target(4, 8.0, 2, 4)).isEqualTo(4);
    assertThat(ThreadGovernor.target(8, 12.0, 3, 8)).isEqualTo(4);
  }

  @Test
  void readsRunnableTasksLessItsOwnRunningThreads(@TempDir Path proc) throws IOException {
    Files.writeString(proc.resolve("stat"), String.join("\n",
        "cpu  100 0 100 1000 0 0 0 0 0 0",
        "cpu0 50 0 50 500 0 0 0 0 0 0",
        "cpu1 50 0 50 500 0 0 0 0 0 0",
        "cpu2 50 0 50 500 0 0 0 0 0 0",
        "intr 12345",
        "ctxt 999",
        "procs_running 5",
        "procs_blocked 0", ""));
    // a command name with a space and a parenthesis must not shift the state field
    task(proc, 101, "101 (java) R 1 101 101 0 -1");
    task(proc, 102, "102 (GC Thread#0) S 1 101 101 0 -1");
    task(proc, 103, "103 (odd) name) R 1 101 101 0 -1");
    ThreadGovernor g = new ThreadGovernor(proc, true);
    assertThat(g.enabled()).isTrue();
    assertThat(g.cpus()).isEqualTo(3);
    assertThat(g.sample()).isEqualTo(3);
  }

  @Test
  void isOffWhereProcCannotBeReadOrTheUserSaysSo(@TempDir Path empty) {
    assertThat(new ThreadGovernor(empty, true).enabled()).isFalse();
    assertThat(new ThreadGovernor(Path.of("/proc"), false).enabled()).isFalse();
    assertThat(new ThreadGovernor(empty, true).sample()).isEqualTo(-1);
    assertThat(ThreadGovernor.procsRunning(List.of("cpu 1 2 3"))).isEqualTo(-1);
    assertThat(ThreadGovernor.state("garbage")).isEqualTo('?');
  }

  @Test
  void aLeaseWithoutProcKeepsItsRequestAndRestoresItOnClose(@TempDir Path empty) {
    Engine.getInstance();
    int before = JniUtils.getNumThreads();
    try {
      JniUtils.setNumThreads(2);
      ThreadGovernor g = new ThreadGovernor(empty, true);
      try (ThreadGovernor.Lease lease = g.enter()) {
        assertThat(lease.apply()).isEqualTo(2);
        JniUtils.setNumThreads(1); // someone else changed it: the next step sets it back
        assertThat(lease.apply()).isEqualTo(2);
        assertThat(JniUtils.getNumThreads()).isEqualTo(2);
        assertThat(lease.minThreads()).isEqualTo(2);
      }
      assertThatThrownBy(() -> g.enter(0)).isInstanceOf(IllegalArgumentException.class);
    } finally {
      JniUtils.setNumThreads(before);
    }
  }

  /** Live on Linux: two busy processes show up as other load, and a lease gives cores back. */
  @Test
  void busyProcessesAreSeenAndTheLeaseFollowsThem() throws Exception {
    assertThat(Path.of("/proc/stat")).exists(); // Linux only, as CI is
    Engine.getInstance();
    int before = JniUtils.getNumThreads();
    ThreadGovernor g = new ThreadGovernor(Path.of("/proc"), true);
    List<Process> busy = new ArrayList<>();
    try {
      JniUtils.setNumThreads(2);
      try (ThreadGovernor.Lease lease = g.enter()) {
        // the machine's own load may already be high (a busy CI host): the two processes must
        // add to the raw count, not just find it high
        double without = medianSample(g);
        for (int i = 0; i < 2; i++) {
          busy.add(new ProcessBuilder("yes").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        Thread.sleep(200);
        assertThat(medianSample(g)).as("raw count with two busy processes, against %s without", without)
            .isGreaterThanOrEqualTo(without + 1);
        long until = System.nanoTime() + 6_000_000_000L;
        while (g.others() < 1.5 && System.nanoTime() < until) {
          Thread.sleep(100);
        }
        assertThat(g.others()).as("smoothed runnable tasks of other processes").isGreaterThanOrEqualTo(1.5);
        int n = lease.apply();
        assertThat(n).isEqualTo(ThreadGovernor.target(2, g.cpus() - g.others(), 1, 2));
        assertThat(JniUtils.getNumThreads()).isEqualTo(n);
        if (g.cpus() <= 3) {
          assertThat(n).as("two of at most three cores busy").isEqualTo(1);
        }
      }
      assertThat(JniUtils.getNumThreads()).as("restored on close").isEqualTo(2);
    } finally {
      busy.forEach(Process::destroyForcibly);
      JniUtils.setNumThreads(before);
    }
  }

  @Test
  void theLauncherRefusesAnUnknownSwitchValue() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "jnas", "--help").redirectErrorStream(true);
    pb.environment().put("JNAS_ADAPTIVE_THREADS", "maybe");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(out).contains("JNAS_ADAPTIVE_THREADS must be").contains("'maybe'").doesNotContain("building");
  }

  /** The median of nine raw samples 50 ms apart. */
  private static double medianSample(ThreadGovernor g) throws InterruptedException {
    int[] s = new int[9];
    for (int i = 0; i < s.length; i++) {
      s[i] = g.sample();
      Thread.sleep(50);
    }
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void task(Path proc, int tid, String stat) throws IOException {
    Path dir = proc.resolve("self/task/" + tid);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("stat"), stat + "\n");
  }
}
