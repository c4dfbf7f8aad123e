package dev.jnas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.api.Experiment;
import dev.jnas.experiment.ExperimentListener;
import java.io.PrintWriter;
import java.util.Locale;

/** What search and resume print: progress while running, then the best and a top-5 table. */
final class RunOutput {
  private RunOutput() {}

  static int runAndReport(Experiment e, boolean quiet, PrintWriter out) {
    ExperimentListener progress =
        quiet ? ExperimentListener.NONE : new ConsoleProgress(e.epochsPerTrial(), true, !ConsoleProgress.stderrIsTerminal());
    out.println("experiment " + e.config().name() + " in " + e.dir().toAbsolutePath());
    out.flush();
    ObjectNode s;
    Thread onCtrlC = interruptHandler(e);
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      s = e.run(progress);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
    printSummary(s, out);
    out.println("folder: " + e.dir().toAbsolutePath() + " (experiment.db, summary.json, best/)");
    return 0;
  }

  /**
   * Ctrl-C (SIGINT) or a plain kill (SIGTERM): record the interruption and say how to continue.
   * Finished trials are already stored; trials in flight run again on resume, from their last
   * epoch checkpoint. The JVM then exits with 130 (SIGINT) or 143 (SIGTERM).
   */
  private static Thread interruptHandler(Experiment e) {
    return new Thread(() -> {
      e.markInterrupted();
      System.err.println();
      System.err.println("jnas: interrupted; finished trials are stored. Resume with: jnas resume " + e.dir());
      System.err.flush();
    }, "jnas-interrupt");
  }

  static void printSummary(JsonNode s, PrintWriter out) {
    int pruned = s.path("pruned").asInt();
    // run_seconds is the whole run; say how much of it the final training took, so it does not read as the search's time
    JsonNode finalSeconds = s.path("final").path("seconds");
    out.printf(Locale.ROOT, "%ntrials: %d (complete %d, %sfailed %d) in %.1f s%s%n",
        s.path("trials").asInt(), s.path("complete").asInt(),
        pruned > 0 ? "pruned " + pruned + ", " : "", s.path("failed").asInt(), s.path("run_seconds").asDouble(),
        finalSeconds.isNumber() ? String.format(Locale.ROOT, " (of it %.1f s the final training)", finalSeconds.asDouble()) : "");
    if (pruned > 0) {
      out.printf(Locale.ROOT, "early stopping: %d epochs trained in all%n", s.path("epochs_trained").asLong());
    }
    JsonNode top = s.path("top");
    if (top.isEmpty()) {
      out.println("no trial completed");
      return;
    }
    out.println("top 5:");
    out.printf(Locale.ROOT, "  %5s  %8s  %8s  %10s  %12s  %s%n", "trial", "reward", "val_acc", "params", "flops", "architecture");
    for (JsonNode t : top) {
      out.printf(Locale.ROOT, "  %5d  %8.4f  %8.4f  %,10d  %,12d  %s%n",
          t.path("trial").asLong(), t.path("reward").asDouble(), t.path("val_accuracy").asDouble(),
          t.path("params").asLong(), t.path("flops").asLong(), t.path("architecture").asText());
    }
    JsonNode best = s.path("best");
    if (s.has("first_step_seconds")) {
      out.printf(Locale.ROOT, "first training step %.1f s after start%n", s.path("first_step_seconds").asDouble());
    }
    out.println("best architecture: " + best.path("architecture").asText());
    JsonNode tune = s.path("tune");
    if (!tune.isMissingNode()) {
      out.printf(Locale.ROOT, "tuned on %d settings (%s/): best %s, reward %.4f%n",
          tune.path("trials").asInt(), tune.path("folder").asText(), tune.path("best").asText(), tune.path("reward").asDouble());
    }
    JsonNode fin = s.path("final");
    if (fin.has("test_perplexity")) {
      out.printf(Locale.ROOT, "best retrained for %d epochs (%.1f s): test perplexity %.2f (valid %.2f), next-token accuracy %.4f%n",
          fin.path("epochs").asInt(), fin.path("seconds").asDouble(), fin.path("test_perplexity").asDouble(),
          fin.path("valid_perplexity").asDouble(), fin.path("test_accuracy").asDouble());
    } else if (!fin.isMissingNode()) {
      out.printf(Locale.ROOT, "best retrained on the full training set for %d epochs (%.1f s): test accuracy %.4f%n",
          fin.path("epochs").asInt(), fin.path("seconds").asDouble(), fin.path("test_accuracy").asDouble());
    } else if (best.hasNonNull("test_accuracy")) {
      out.printf(Locale.ROOT, "best test accuracy: %.4f%n", best.path("test_accuracy").asDouble());
    }
  }
}
