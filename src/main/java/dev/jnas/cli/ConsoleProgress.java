package dev.jnas.cli;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.store.TrialRecord;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on stderr. On a terminal: one bar over all trial epochs (so the ETA moves within a
 * trial), with the running trial's epoch and the best reward so far, and a line per finished
 * trial. Elsewhere (CI logs, {@code nohup}, a pipe) a bar's carriage returns and escape codes
 * would garble the log, so plain lines only: one per trial epoch and per finished trial, and
 * for fast trials a count at most every {@value #PLAIN_EVERY_MS} ms.
 */
final class ConsoleProgress implements ExperimentListener {
  /** Bar units per epoch, so progress inside an epoch shows too. */
  private static final int UNITS = 100;
  static final long PLAIN_EVERY_MS = 10_000;

  private final int epochs;
  private final boolean trialLines;
  private final boolean plain;
  private volatile int maxTrials;
  private volatile long lastPlainLine = System.currentTimeMillis();
  private final Map<Long, Double> running = new ConcurrentHashMap<>();
  private volatile ProgressBar bar;
  private volatile int finished;
  private volatile String best = "-";

  /**
   * @param plain plain lines instead of a bar (see {@link #stderrIsTerminal()})
   */
  ConsoleProgress(int epochsPerTrial, boolean trialLines, boolean plain) {
    this.epochs = Math.max(1, epochsPerTrial);
    this.trialLines = trialLines;
    this.plain = plain;
  }

  /**
   * Whether stderr is a terminal: the JVM has a console (stdin and stdout are terminals) and fd
   * 2 is a tty. {@code JNAS_PROGRESS=bar|plain} overrides.
   */
  static boolean stderrIsTerminal() {
    String forced = System.getenv("JNAS_PROGRESS");
    if ("bar".equals(forced) || "plain".equals(forced)) {
      return "bar".equals(forced);
    }
    if (System.console() == null) {
      return false;
    }
    try {
      String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return true; // no /proc: trust the console
    }
  }

  @Override
  public void onStart(int finishedBefore, int maxTrials) {
    finished = finishedBefore;
    this.maxTrials = maxTrials;
    if (plain) {
      System.err.printf(Locale.ROOT, "search: %d trials finished before, %s%n", finishedBefore,
          maxTrials > 0 ? "up to " + maxTrials + " in all" : "until the time budget is spent");
      return;
    }
    ProgressBarBuilder b = new ProgressBarBuilder()
        .setTaskName("search")
        .setInitialMax(maxTrials > 0 ? (long) maxTrials * epochs * UNITS : -1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setUnit(" epochs", UNITS);
    if (maxTrials <= 0) {
      b.hideEta(); // a time budget only: no total to estimate against
    }
    bar = b.build();
    refresh();
  }

  @Override
  public void onTrialStart(TrialRecord trial) {
    running.put(trial.id(), 0.0);
    refresh();
  }

  @Override
  public void onBatch(long trialId, int epoch, double fraction) {
    running.put(trialId, epoch - 1 + fraction);
    refresh();
  }

  @Override
  public void onEpoch(long trialId, EpochMetrics m, int totalEpochs) {
    if (trialId < 0) {
      // the final retraining of the best architecture, after the search's bar has closed
      System.err.printf(Locale.ROOT, "final training epoch %d/%d: train loss %.4f, train accuracy %.4f (%.1f s)%n",
          m.epoch(), totalEpochs, m.trainLoss(), m.trainAccuracy(), m.seconds());
      return;
    }
    if (plain) {
      if (totalEpochs > 1) {
        System.err.printf(Locale.ROOT, "trial %d epoch %d/%d: train loss %.4f, val accuracy %.4f (%.1f s)%n",
            trialId, m.epoch(), totalEpochs, m.trainLoss(), m.valAccuracy(), m.seconds());
      }
      return;
    }
    running.put(trialId, (double) m.epoch());
    refresh();
  }

  @Override
  public void onTrialEnd(TrialRecord trial, TrialRecord bestTrial) {
    running.remove(trial.id());
    finished++;
    if (bestTrial != null) {
      best = String.format(Locale.ROOT, "%.4f (trial %d)", bestTrial.result().reward(), bestTrial.id());
    }
    var r = trial.result();
    boolean newBest = bestTrial != null && bestTrial.id() == trial.id();
    // A line per trial that took noticeable time (training), or that is a new best; table
    // look-ups finish thousands a second and would flood the terminal.
    if (trialLines && (bar != null || plain) && (r.wallSeconds() >= 0.5 || newBest || !r.isComplete())) {
      String line = r.isComplete()
          ? String.format(Locale.ROOT, "trial %d%s %s reward %.4f val %.4f params %,d (%.1fs) %s",
              trial.id(), newBest ? " (new best)" : "", r.status(), r.reward(), r.valAccuracy(), r.params(), r.wallSeconds(), trial.architecture())
          : r.status() == TrialStatus.PRUNED
              ? String.format(Locale.ROOT, "trial %d PRUNED after epoch %d/%d: val %.4f (%.1fs) %s",
                  trial.id(), r.epochs().size(), epochs, r.valAccuracy(), r.wallSeconds(), trial.architecture())
              : String.format(Locale.ROOT, "trial %d %s: %s %s", trial.id(), r.status(), r.error(), trial.architecture());
      if (!plain) {
        System.err.print("\r\033[K");
      }
      System.err.println(line);
      lastPlainLine = System.currentTimeMillis();
    } else if (plain && System.currentTimeMillis() - lastPlainLine >= PLAIN_EVERY_MS) {
      System.err.printf(Locale.ROOT, "trials %d%s, best %s%n", finished, maxTrials > 0 ? "/" + maxTrials : "", best);
      lastPlainLine = System.currentTimeMillis();
    }
    refresh();
  }

  private void refresh() {
    ProgressBar b = bar;
    if (b == null) {
      return;
    }
    double units = (double) finished * epochs;
    for (double v : running.values()) {
      units += Math.min(v, epochs);
    }
    b.stepTo((long) (units * UNITS));
    StringBuilder msg = new StringBuilder("trials ").append(finished);
    running.forEach((id, e) -> msg.append(String.format(Locale.ROOT, " | #%d ep %.1f/%d", id, e, epochs)));
    msg.append(" | best ").append(best);
    b.setExtraMessage(msg.toString());
  }

  @Override
  public void onEnd() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
