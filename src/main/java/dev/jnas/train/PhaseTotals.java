package dev.jnas.train;

import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * A benchmark's clock: sums the time its loop reports per phase of a step, over the steps after
 * the first {@code skip} (warm-up), and optionally runs libtorch's operator profiler over exactly
 * those steps. Shared by the training benchmark and the supernet benchmark, whose loops tell
 * different phases apart.
 *
 * @param <P> the loop's phases
 */
public final class PhaseTotals<P extends Enum<P>> {
  private final int skip;
  private final boolean profile;
  private final Map<P, Long> nanos;
  private int step;
  private boolean profiling;

  /**
   * @param skip steps not counted first
   * @param profile start libtorch's profiler at the first counted step (stop it with {@link #stopProfile})
   */
  public PhaseTotals(Class<P> phases, int skip, boolean profile) {
    this.nanos = new EnumMap<>(phases);
    this.skip = skip;
    this.profile = profile;
    startProfileAt(0);
  }

  private void startProfileAt(int s) {
    if (profile && s == skip && !profiling) {
      JniUtils.startProfile(false, true, false); // no CUDA, record shapes, no memory
      profiling = true;
    }
  }

  /** {@code n} more nanoseconds of {@code phase} in the current step. */
  public void add(P phase, long n) {
    if (step >= skip) {
      nanos.merge(phase, n, Long::sum);
    }
  }

  /** The current step is over. */
  public void stepEnd() {
    step++;
    startProfileAt(step);
  }

  /** Stops the profiler, if it was started, and writes its trace (Chrome JSON) to {@code file} (null: none asked). */
  public void stopProfile(Path file) {
    if (profiling && file != null) {
      profiling = false;
      JniUtils.stopProfile(file.toAbsolutePath().toString());
    }
  }

  /** Mean milliseconds of {@code phase} per counted step, over {@code steps} steps. */
  public double meanMillis(P phase, int steps) {
    return nanos.getOrDefault(phase, 0L) / 1e6 / steps;
  }
}
