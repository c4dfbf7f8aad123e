package dev.jnas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code jnas} in a child JVM on the test class path, its output going to a log file (crash tests). */
final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code jnas args...}; {@link Process#destroyForcibly()} then is a SIGKILL. */
  static Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", // short-lived children: C1 only starts faster
        "-cp", System.getProperty("java.class.path"),
        "dev.jnas.cli.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** The child's output so far, for assertion messages. */
  static String log(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
