package dev.jnas.train;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc malloc settings that training needs in a JVM, and a one-time warning where they are
 * missing. libtorch allocates every activation with malloc; JVM threads get their own malloc
 * arenas, whose heaps are unmapped when a step frees them and faulted in again by the next step
 * (~12,000 page faults per step on a small cell network; memory-bound ops ran 2x slower). glibc
 * reads these variables only at process start, so the {@code jnas} launcher and the test JVMs set
 * them; a Java program embedding jnas should set them in its own start script.
 */
public final class MallocSettings {
  /** Variable and value: one arena, a fixed 32 MiB mmap threshold, no trimming. */
  public static final String[][] ENV = {
    {"MALLOC_ARENA_MAX", "1"},
    {"MALLOC_MMAP_THRESHOLD_", "33554432"},
    {"MALLOC_TRIM_THRESHOLD_", "4294967296"},
  };

  private static final Logger LOG = LoggerFactory.getLogger(MallocSettings.class);
  private static volatile boolean checked;

  private MallocSettings() {}

  /** The settings as {@code NAME=value} words for a shell, space-separated. */
  public static String asShell() {
    StringBuilder b = new StringBuilder();
    for (String[] kv : ENV) {
      b.append(b.length() == 0 ? "" : " ").append(kv[0]).append('=').append(kv[1]);
    }
    return b.toString();
  }

  /** Whether this process runs on Linux without {@code MALLOC_ARENA_MAX} set. */
  static boolean missing() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
        && System.getenv("MALLOC_ARENA_MAX") == null;
  }

  /** Logs once per process that the settings are missing (Linux only). */
  static void warnIfMissing() {
    if (checked) {
      return;
    }
    checked = true;
    if (missing()) {
      LOG.warn(
          "glibc malloc is not tuned for libtorch in this JVM: training may run up to ~20% slower. "
              + "Start the JVM with the environment {} (the jnas launcher does).",
          asShell());
    }
  }
}
