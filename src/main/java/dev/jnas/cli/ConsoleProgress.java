package dev.jnas.cli;

import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.store.TrialRecord;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Terminal progress: one bar over all trial epochs (so the ETA moves within a trial), with the
 * running trial's epoch and the best reward so far; a line per finished trial.
 */
final class ConsoleProgress implements ExperimentListener {
  /** Bar units per epoch, so progress inside an epoch shows too. */
  private static final int UNITS = 100;

  private final int epochs;
  private final boolean trialLines;
  private final Map<Long, Double> running = new ConcurrentHashMap<>();
  private volatile ProgressBar bar;
  private volatile int finished;
  private volatile String best = "-";

  ConsoleProgress(int epochsPerTrial, boolean trialLines) {
    this.epochs = Math.max(1, epochsPerTrial);
    this.trialLines = trialLines;
  }

  @Override
  public void onStart(int finishedBefore, int maxTrials) {
    finished = finishedBefore;
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
    if (trialLines && bar != null && (r.wallSeconds() >= 0.5 || newBest || !r.isComplete())) {
      String line = r.isComplete()
          ? String.format(Locale.ROOT, "trial %d%s %s reward %.4f val %.4f params %,d (%.1fs) %s",
              trial.id(), newBest ? " (new best)" : "", r.status(), r.reward(), r.valAccuracy(), r.params(), r.wallSeconds(), trial.architecture())
          : String.format(Locale.ROOT, "trial %d %s: %s %s", trial.id(), r.status(), r.error(), trial.architecture());
      System.err.print("\r\033[K");
      System.err.println(line);
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
