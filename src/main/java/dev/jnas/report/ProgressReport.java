package dev.jnas.report;

import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * How fast searches found good networks: for each experiment the best validation accuracy so far
 * after each finished trial, against the minutes since its first trial started and against the
 * epochs trained in all (every trial's epochs, inherited training not counted twice). Writes
 * {@code <base>.csv} (one row per finished trial) and {@code <base>.png} / {@code .svg} (accuracy
 * against minutes).
 */
public final class ProgressReport {
  private ProgressReport() {}

  /** One finished trial's point of its experiment's curve. */
  public record Point(long trial, double minutes, int epochs, double accuracy, double bestSoFar) {}

  /** The curve of one experiment: its finished trials in the order they finished. */
  public static List<Point> curve(List<TrialRecord> trials) {
    List<TrialRecord> done =
        trials.stream().filter(t -> t.status().isFinished() && t.result() != null && t.finishedAt() > 0)
            .sorted(Comparator.comparingLong(TrialRecord::finishedAt).thenComparingLong(TrialRecord::id))
            .toList();
    long t0 = trials.stream().mapToLong(TrialRecord::startedAt).filter(v -> v > 0).min().orElse(0);
    List<Point> out = new ArrayList<>();
    int epochs = 0;
    double best = Double.NaN;
    for (TrialRecord t : done) {
      epochs += t.result().epochs().size();
      double acc = t.status() == TrialStatus.COMPLETE ? t.result().valAccuracy() : Double.NaN;
      if (Double.isFinite(acc) && !(best >= acc)) {
        best = acc;
      }
      out.add(new Point(t.id(), (t.finishedAt() - t0) / 60_000.0, epochs, acc, best));
    }
    return out;
  }

  /** The best accuracy reached within {@code minutes}, if any trial finished by then. */
  public static OptionalDouble bestWithin(List<Point> curve, double minutes) {
    return curve.stream().filter(p -> p.minutes() <= minutes && Double.isFinite(p.bestSoFar()))
        .mapToDouble(Point::bestSoFar).max();
  }

  /** The epochs trained in all when the best accuracy first reached {@code accuracy}, if it did. */
  public static OptionalInt epochsToReach(List<Point> curve, double accuracy) {
    return curve.stream().filter(p -> p.bestSoFar() >= accuracy).mapToInt(Point::epochs).findFirst();
  }

  /** The curves of several experiments, each under its label. */
  public record Series(String label, List<Point> curve) {}

  public static ParetoReport.Written write(Path dir, String baseName, List<Series> series) {
    StringBuilder csv = new StringBuilder("series,trial,minutes,epochs,val_accuracy,best_so_far\n");
    XYSeriesCollection data = new XYSeriesCollection();
    for (Series s : series) {
      XYSeries line = new XYSeries(s.label(), false, true);
      for (Point p : s.curve()) {
        csv.append(String.format(Locale.ROOT, "%s,%d,%.3f,%d,%s,%s%n", s.label(), p.trial(), p.minutes(), p.epochs(),
            num(p.accuracy()), num(p.bestSoFar())));
        if (Double.isFinite(p.bestSoFar())) {
          line.add(p.minutes(), 100 * p.bestSoFar());
        }
      }
      data.addSeries(line);
    }
    NumberAxis x = new NumberAxis("minutes since the first trial started");
    NumberAxis y = new NumberAxis("best validation accuracy so far (%)");
    y.setAutoRangeIncludesZero(false);
    XYStepRenderer r = new XYStepRenderer();
    for (int i = 0; i < series.size(); i++) {
      r.setSeriesPaint(i, TrajectoryChart.PALETTE[i % TrajectoryChart.PALETTE.length]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    TrajectoryChart.Written images = TrajectoryChart.writePlot(dir, baseName, "Best network found against wall time", new XYPlot(data, x, y, r));
    Path csvFile = dir.resolve(baseName + ".csv");
    AtomicFiles.write(csvFile, csv.toString().getBytes(StandardCharsets.UTF_8));
    return new ParetoReport.Written(csvFile, images.png(), images.svg());
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
  }
}
