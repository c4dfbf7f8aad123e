package dev.jnas.report;

import dev.jnas.util.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The trajectories of a differentiable search's architecture parameters (seed 002's Fig. 3): for
 * every label (a decision, e.g. a search block) one panel plotting each option's probability,
 * softmax(alpha), against the epoch. Panels fill a grid of at most {@value #MAX_COLUMNS} columns,
 * each {@value #PANEL_WIDTH} x {@value #PANEL_HEIGHT} pixels, with the label as title and the
 * options in the legend; an option has the same colour in every panel. Entry {@code e} of the
 * probabilities is drawn at epoch {@code e + 1}.
 *
 * <p>Writes {@code <baseName>.png} and {@code <baseName>.svg} into a folder, each atomically
 * ({@link AtomicFiles}). Draws without a display: the first use sets {@code java.awt.headless}
 * unless the JVM was started with it.
 */
public final class TrajectoryChart {
  public static final int PANEL_WIDTH = 400;
  public static final int PANEL_HEIGHT = 280;
  public static final int MAX_COLUMNS = 4;
  /** Tableau 10, distinct on white (JFreeChart's defaults include a pale yellow); repeats past ten options. */
  static final Color[] PALETTE = {
    new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
    new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)
  };

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // servers and CI have no display
    }
  }

  /** The files written. */
  public record Written(Path png, Path svg) {}

  private TrajectoryChart() {}

  /**
   * Draws labels that share one list of options (ProxylessNAS's search blocks, NAS-Bench-201's edges).
   *
   * @param probabilitiesPerEpoch per epoch, per label (in {@code labelNames} order), one
   *     probability per option (in {@code optionNames} order)
   * @throws IllegalArgumentException when the lists do not fit together (naming the epoch and
   *     label), a probability is not finite, or {@code baseName} is not a plain file name
   * @throws dev.jnas.util.NasException when a file cannot be written
   */
  public static Written write(
      Path dir, String baseName, List<String> labelNames, List<String> optionNames,
      List<List<float[]>> probabilitiesPerEpoch) {
    if (labelNames == null) {
      throw new IllegalArgumentException("no label names given");
    }
    return writePerLabel(
        dir, baseName, labelNames, Collections.nCopies(labelNames.size(), optionNames), probabilitiesPerEpoch);
  }

  /**
   * Draws labels with their own options (a cell's op and input decisions).
   *
   * @param optionNames per label, its options' names
   * @see #write
   */
  public static Written writePerLabel(
      Path dir, String baseName, List<String> labelNames, List<List<String>> optionNames,
      List<List<float[]>> probabilitiesPerEpoch) {
    check(baseName, labelNames, optionNames, probabilitiesPerEpoch);
    int labels = labelNames.size();
    int width = columns(labels) * PANEL_WIDTH;
    int height = rows(labels) * PANEL_HEIGHT;
    List<JFreeChart> panels = new ArrayList<>();
    for (int l = 0; l < labels; l++) {
      panels.add(panel(labelNames.get(l), optionNames.get(l), l, probabilitiesPerEpoch));
    }

    return writeImages(dir, baseName, width, height, g -> draw(g, panels, width, height));
  }

  /** One plot of 800 x 520 pixels on white with grey grid lines and a legend, as PNG and SVG. */
  static Written writePlot(Path dir, String baseName, String title, XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    int w = 800;
    int h = 520;
    return writeImages(dir, baseName, w, h, g -> {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      chart.draw(g, new Rectangle2D.Double(0, 0, w, h));
    });
  }

  /** Draws a figure twice, as PNG and SVG, and writes both atomically. */
  static Written writeImages(Path dir, String baseName, int width, int height, java.util.function.Consumer<Graphics2D> draw) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    draw.accept(g);
    g.dispose();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the PNG of " + baseName, e); // in memory: not expected
    }

    SVGGraphics2D svg = new SVGGraphics2D(width, height);
    draw.accept(svg);

    Written out = new Written(dir.resolve(baseName + ".png"), dir.resolve(baseName + ".svg"));
    AtomicFiles.write(out.png(), png.toByteArray());
    AtomicFiles.write(out.svg(), svg.getSVGDocument().getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** Columns of the panel grid for {@code labels} panels. */
  public static int columns(int labels) {
    return Math.min(MAX_COLUMNS, labels);
  }

  /** Rows of the panel grid for {@code labels} panels. */
  public static int rows(int labels) {
    return (labels + MAX_COLUMNS - 1) / MAX_COLUMNS;
  }

  private static void draw(Graphics2D g, List<JFreeChart> panels, int width, int height) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int columns = columns(panels.size());
    for (int i = 0; i < panels.size(); i++) {
      double x = (i % columns) * (double) PANEL_WIDTH;
      double y = (i / columns) * (double) PANEL_HEIGHT;
      panels.get(i).draw(g, new Rectangle2D.Double(x, y, PANEL_WIDTH, PANEL_HEIGHT));
    }
  }

  private static JFreeChart panel(String label, List<String> options, int l, List<List<float[]>> probabilities) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int k = 0; k < options.size(); k++) {
      XYSeries s = new XYSeries(options.get(k), false, true);
      for (int e = 0; e < probabilities.size(); e++) {
        s.add(e + 1, probabilities.get(e).get(l)[k]);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(label, "epoch", "softmax(alpha)", data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    NumberAxis epochs = (NumberAxis) plot.getDomainAxis();
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis p = (NumberAxis) plot.getRangeAxis();
    p.setRange(0, 1);
    XYLineAndShapeRenderer lines = (XYLineAndShapeRenderer) plot.getRenderer();
    lines.setDrawSeriesLineAsPath(true); // one SVG path per series, not one element per segment
    for (int k = 0; k < options.size(); k++) {
      plot.getRenderer().setSeriesPaint(k, PALETTE[k % PALETTE.length]);
      plot.getRenderer().setSeriesStroke(k, new BasicStroke(1.6f));
    }
    return chart;
  }

  private static void check(
      String baseName, List<String> labelNames, List<List<String>> optionNames, List<List<float[]>> probabilities) {
    if (baseName == null || baseName.isBlank() || baseName.contains("/") || baseName.contains("\\")
        || baseName.startsWith(".")) {
      throw new IllegalArgumentException("chart base name '" + baseName + "' must be a plain file name without extension");
    }
    if (labelNames == null || labelNames.isEmpty()) {
      throw new IllegalArgumentException("no labels to draw");
    }
    if (optionNames == null || optionNames.size() != labelNames.size()) {
      throw new IllegalArgumentException(
          (optionNames == null ? "no" : optionNames.size()) + " option lists for " + labelNames.size() + " labels");
    }
    for (int l = 0; l < labelNames.size(); l++) {
      if (optionNames.get(l) == null || optionNames.get(l).isEmpty()) {
        throw new IllegalArgumentException("label " + labelNames.get(l) + " has no options");
      }
    }
    if (probabilities == null || probabilities.isEmpty()) {
      throw new IllegalArgumentException("no epochs of probabilities to draw");
    }
    for (int e = 0; e < probabilities.size(); e++) {
      List<float[]> epoch = probabilities.get(e);
      if (epoch == null || epoch.size() != labelNames.size()) {
        throw new IllegalArgumentException(
            "epoch " + (e + 1) + " has probabilities for " + (epoch == null ? 0 : epoch.size()) + " labels, expected "
                + labelNames.size() + " (" + String.join(", ", labelNames) + ")");
      }
      for (int l = 0; l < epoch.size(); l++) {
        float[] p = epoch.get(l);
        List<String> options = optionNames.get(l);
        String where = "epoch " + (e + 1) + ", label " + labelNames.get(l);
        if (p == null || p.length != options.size()) {
          throw new IllegalArgumentException(
              where + ": " + (p == null ? 0 : p.length) + " probabilities, expected " + options.size() + " ("
                  + String.join(", ", options) + ")");
        }
        for (int k = 0; k < p.length; k++) {
          if (!Float.isFinite(p[k])) {
            throw new IllegalArgumentException(where + ": probability of " + options.get(k) + " is " + p[k]);
          }
        }
      }
    }
  }
}
