package dev.jnas.report;

import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The trade-off between validation error and size of the networks experiments trained: for each
 * series (an experiment), every completed trial as a point and its Pareto front (no other trial
 * of the series is both smaller and better) as a staircase, on a log scale of parameters or
 * multiply-adds. Writes {@code <base>.csv} (one row per trial, with whether it is on its series'
 * front) and {@code <base>.png} / {@code .svg}.
 */
public final class ParetoReport {
  private ParetoReport() {}

  /** The lineage field in which a morphism search records a network's measured latency. */
  public static final String LATENCY_FIELD = "latency_ms";

  /** What the horizontal axis measures. */
  public enum Cost {
    PARAMS,
    FLOPS,
    /** Measured milliseconds per image, as a LEMONADE search with objective latency records them. */
    LATENCY;

    /** The trial's cost; 0 when unknown. */
    public double of(TrialRecord t) {
      return switch (this) {
        case PARAMS -> t.result().params();
        case FLOPS -> t.result().flops();
        case LATENCY -> latency(t);
      };
    }

    String label() {
      return switch (this) {
        case PARAMS -> "trainable parameters";
        case FLOPS -> "multiply-adds per image";
        case LATENCY -> "milliseconds per image (measured)";
      };
    }

    private static double latency(TrialRecord t) {
      if (t.lineage() == null) {
        return 0;
      }
      try {
        return dev.jnas.util.Json.MAPPER.readTree(t.lineage()).path(LATENCY_FIELD).asDouble(0);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return 0;
      }
    }
  }

  /** The trials of one experiment, under a label. */
  public record Series(String label, List<TrialRecord> trials) {}

  /** The files written. */
  public record Written(Path csv, Path png, Path svg) {}

  /** The completed trials of {@code trials} with a cost and a finite accuracy. */
  public static List<TrialRecord> points(List<TrialRecord> trials, Cost cost) {
    return trials.stream()
        .filter(t -> t.status() == TrialStatus.COMPLETE && t.result() != null && Double.isFinite(t.result().valAccuracy()))
        .filter(t -> cost.of(t) > 0)
        .toList();
  }

  /** The front of {@code points}: sorted by cost, each with a lower error than every smaller one. */
  public static List<TrialRecord> front(List<TrialRecord> points, Cost cost) {
    return dev.jnas.util.Pareto.front(points, cost::of, t -> 1 - t.result().valAccuracy());
  }

  /**
   * @throws IllegalArgumentException when no series has a completed trial to draw
   */
  public static Written write(Path dir, String baseName, Cost cost, List<Series> series) {
    StringBuilder csv = new StringBuilder("series,trial,val_error,params,flops,latency_ms,on_front,architecture\n");
    XYSeriesCollection data = new XYSeriesCollection();
    int drawn = 0;
    for (Series s : series) {
      List<TrialRecord> points = points(s.trials(), cost);
      List<TrialRecord> front = front(points, cost);
      Set<Long> onFront = new HashSet<>();
      front.forEach(t -> onFront.add(t.id()));
      XYSeries all = new XYSeries(s.label() + " (" + points.size() + " networks)", false, true);
      XYSeries line = new XYSeries(s.label() + " front", false, true);
      for (TrialRecord t : points) {
        double err = 100 * (1 - t.result().valAccuracy());
        double latency = Cost.LATENCY.of(t);
        all.add(cost.of(t), err);
        csv.append(String.format(Locale.ROOT, "%s,%d,%.6f,%d,%d,%s,%b,\"%s\"%n", s.label(), t.id(), 1 - t.result().valAccuracy(),
            t.result().params(), t.result().flops(), latency > 0 ? String.format(Locale.ROOT, "%.4f", latency) : "",
            onFront.contains(t.id()), t.architecture().replace("\"", "\"\"")));
      }
      TrialRecord previous = null;
      for (TrialRecord t : front) {
        if (previous != null) {
          line.add(cost.of(t), 100 * (1 - previous.result().valAccuracy())); // the staircase's corner
        }
        line.add(cost.of(t), 100 * (1 - t.result().valAccuracy()));
        previous = t;
      }
      data.addSeries(all);
      data.addSeries(line);
      drawn += points.size();
    }
    if (drawn == 0) {
      throw new IllegalArgumentException("no completed trial with a " + cost.name().toLowerCase(Locale.ROOT) + " count to draw");
    }
    LogAxis x = new LogAxis(cost.label() + " (log scale)");
    x.setSmallestValue(cost == Cost.LATENCY ? 1e-3 : 1);
    x.setNumberFormatOverride(new java.text.DecimalFormat(cost == Cost.LATENCY ? "#,##0.###" : "#,##0"));
    NumberAxis y = new NumberAxis("validation error (%)");
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
    for (int i = 0; i < series.size(); i++) {
      Color c = TrajectoryChart.PALETTE[i % TrajectoryChart.PALETTE.length];
      r.setSeriesLinesVisible(2 * i, false);
      r.setSeriesShapesVisible(2 * i, true);
      r.setSeriesShape(2 * i, new Ellipse2D.Double(-3, -3, 6, 6));
      r.setSeriesPaint(2 * i, new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
      r.setSeriesLinesVisible(2 * i + 1, true);
      r.setSeriesShapesVisible(2 * i + 1, false);
      r.setSeriesPaint(2 * i + 1, c);
      r.setSeriesStroke(2 * i + 1, new BasicStroke(2f));
    }
    TrajectoryChart.Written images = TrajectoryChart.writePlot(dir, baseName, "Pareto front: validation error against size", new XYPlot(data, x, y, r));
    Path csvFile = dir.resolve(baseName + ".csv");
    AtomicFiles.write(csvFile, csv.toString().getBytes(StandardCharsets.UTF_8));
    return new Written(csvFile, images.png(), images.svg());
  }
}
