package dev.jnas.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps libtorch's intra-op thread count within the cores the machine has free, between training
 * steps.
 *
 * <p>Why: libtorch's OpenMP threads wait for work by spinning (libgomp's default, what PyTorch
 * users get). On an idle machine that is the fastest setting by far (on a 2-core VM, passive
 * waiting made two threads slower than one: every parallel op paid a futex wake-up of ~100 us).
 * But a spinning team that shares its cores with another busy process, or with a second trial of
 * the same search, halves the speed. So the threads spin, and their count follows the load: a
 * daemon thread samples the runnable tasks of the machine ({@code procs_running} in {@code
 * /proc/stat}) less this process's own running threads (see {@link #sample}) and smooths them
 * over two seconds; each training loop ({@link #enter}, then {@link Lease#apply} before every
 * step) gets an equal share of the cores left, at most what it asked for and at least one. The
 * count only changes at step boundaries, on the training thread (OpenMP's thread count is per
 * calling thread). Concurrent trials of this process share the cores through their leases, not
 * through the sampler, which does not count their threads as load.
 *
 * <p>Host-wide counts: in a container limited by CPU quota the other tasks of the host are
 * counted against the host's CPUs (the {@code cpuN} lines of {@code /proc/stat}), so a busy
 * 64-core host with room to spare does not shrink a 4-thread trial. Where {@code /proc} cannot
 * be read (not Linux) or {@code JNAS_ADAPTIVE_THREADS=0}, every lease keeps its request.
 */
public final class ThreadGovernor {
  /** Sampling period of the load, ms. */
  private static final long PERIOD_MS = 200;
  /**
   * Time constant of the smoothing, ms: a process that stays busy takes a thread within about two
   * seconds; a one-second burst of another task does not.
   */
  private static final double TAU_MS = 2000;

  private static final ThreadGovernor SYSTEM = new ThreadGovernor(Path.of("/proc"), enabledByEnvironment());

  private final Path proc;
  private final boolean enabled;
  private final AtomicInteger active = new AtomicInteger();
  private final int cpus;
  private volatile double others;
  private Thread sampler;

  ThreadGovernor(Path proc, boolean enabled) {
    this.proc = proc;
    int n = enabled ? hostCpus(proc) : 0;
    this.enabled = enabled && n > 0;
    this.cpus = n;
  }

  /** The process-wide governor. */
  public static ThreadGovernor system() {
    return SYSTEM;
  }

  private static boolean enabledByEnvironment() {
    String v = System.getenv("JNAS_ADAPTIVE_THREADS");
    return v == null || !(v.equals("0") || v.equalsIgnoreCase("false") || v.equalsIgnoreCase("off"));
  }

  /** Whether the counts follow the load (Linux with a readable {@code /proc}, not switched off). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Starts a training loop's lease on the calling thread. {@code requested} is the most threads
   * it wants: its explicit setting, or libtorch's count when the loop starts.
   */
  public Lease enter(int requested) {
    if (requested < 1) {
      throw new IllegalArgumentException("requested threads must be >= 1, got " + requested);
    }
    Engine.getInstance(); // loads libtorch, whose thread count the lease reads and sets
    if (enabled) {
      startSampler();
      active.incrementAndGet();
    }
    return new Lease(requested);
  }

  /** A lease for the calling thread's current libtorch count (the loop's default). */
  public Lease enter() {
    Engine.getInstance();
    return enter(JniUtils.getNumThreads());
  }

  /** One training loop's claim on the cores; close it when the loop ends. */
  public final class Lease implements AutoCloseable {
    private final int requested;
    private int current;
    private int min;
    private boolean closed;

    private Lease(int requested) {
      this.requested = requested;
      this.current = requested;
      this.min = requested;
    }

    /**
     * Sets the calling thread's libtorch thread count to this loop's share of the free cores
     * (call between steps) and returns it.
     */
    public int apply() {
      int want = enabled ? target(requested, cpus - others, active.get(), current) : requested;
      if (JniUtils.getNumThreads() != want) {
        JniUtils.setNumThreads(want);
      }
      current = want;
      min = Math.min(min, want);
      return want;
    }

    /** The fewest threads a step of this lease ran with so far. */
    public int minThreads() {
      return min;
    }

    /** Gives the share back and restores the requested count on the calling thread. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (enabled) {
        active.decrementAndGet();
      }
      if (current != requested && JniUtils.getNumThreads() != requested) {
        JniUtils.setNumThreads(requested);
      }
    }
  }

  /**
   * The thread count for one of {@code loops} training loops that runs with {@code current} and
   * asked for {@code requested}, when {@code free} cores are free of other processes' work: its
   * share {@code free / loops}, rounded with a margin that keeps the count from flapping (down
   * when the share falls 0.65 below the count, up when it comes within 0.35 of the next), within
   * 1..requested.
   */
  static int target(int requested, double free, int loops, int current) {
    double share = free / Math.max(1, loops);
    int k = Math.min(Math.max(current, 1), requested);
    if (share < k - 0.65) {
      k = (int) Math.floor(share + 0.35);
    } else if (share >= k + 0.65) {
      k = (int) Math.floor(share + 0.35);
    }
    return Math.max(1, Math.min(requested, k));
  }

  /** Smoothed count of runnable tasks that are not this process's threads. */
  double others() {
    return others;
  }

  /** The host's CPU count, 0 where it cannot be read. */
  int cpus() {
    return cpus;
  }

  private synchronized void startSampler() {
    if (sampler != null) {
      return;
    }
    // the first value: the median of five samples 20 ms apart, not one instant's count
    int[] first = new int[5];
    for (int i = 0; i < first.length; i++) {
      first[i] = sample();
      if (i + 1 < first.length) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    java.util.Arrays.sort(first);
    others = Math.max(0, first[first.length / 2]);
    sampler = new Thread(() -> {
      double alpha = 1 - Math.exp(-PERIOD_MS / TAU_MS);
      while (true) {
        try {
          Thread.sleep(PERIOD_MS);
        } catch (InterruptedException e) {
          return;
        }
        int s = sample();
        if (s >= 0) {
          others += alpha * (s - others);
        }
      }
    }, "jnas-load-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /**
   * Runnable tasks now, less this process's running threads; -1 when unreadable. The machine's
   * count is read between two readings of this process's threads, and a thread running in either
   * counts as its own: this process's short-lived work (JIT compiler threads, the batch loader)
   * must not pass for another process's, which would take threads away on an idle machine.
   */
  int sample() {
    try {
      Set<String> own = runningThreads();
      int running = procsRunning(Files.readAllLines(proc.resolve("stat")));
      if (running < 0) {
        return -1;
      }
      own.addAll(runningThreads());
      return Math.max(0, running - own.size());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private Set<String> runningThreads() throws IOException {
    Set<String> running = new HashSet<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("self/task"))) {
      for (Path t : tasks) {
        try {
          if (state(Files.readString(t.resolve("stat"))) == 'R') {
            running.add(t.getFileName().toString());
          }
        } catch (IOException gone) {
          // the thread ended between listing and reading
        }
      }
    }
    return running;
  }

  /** {@code procs_running} of a {@code /proc/stat}, -1 when absent. */
  static int procsRunning(List<String> stat) {
    for (String line : stat) {
      if (line.startsWith("procs_running ")) {
        return Integer.parseInt(line.substring("procs_running ".length()).trim());
      }
    }
    return -1;
  }

  /** The state letter of a {@code /proc/.../stat} line (after the command's closing parenthesis). */
  static char state(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return '?';
    }
    return stat.charAt(close + 2);
  }

  private static int hostCpus(Path proc) {
    try {
      return (int) Files.readAllLines(proc.resolve("stat")).stream()
          .filter(l -> l.length() > 3 && l.startsWith("cpu") && Character.isDigit(l.charAt(3)))
          .count();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
