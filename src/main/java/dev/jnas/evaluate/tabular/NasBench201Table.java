package dev.jnas.evaluate.tabular;

import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * NAS-Bench-201's recorded accuracies (the shared {@code nasbench201.csv}: columns arch, cellstr
 * and six accuracy columns), indexed by the cell's six op choices; read with
 * jackson-dataformat-csv like every table.
 */
public final class NasBench201Table implements MetricTable {
  public static final List<String> METRICS =
      List.of("cifar10-val", "cifar10-test", "cifar100-val", "cifar100-test", "imagenet-val", "imagenet-test");
  private static final String CELL_COLUMN = "cellstr";
  private static final int CELLS = 15_625;

  private final NasBench201Space space = new NasBench201Space();
  /** values[metric][cell index]; NaN where the file has no row for the cell. */
  private final double[][] values;
  private final double[] optima;
  private final int rows;

  private NasBench201Table(double[][] values, int rows) {
    this.values = values;
    this.rows = rows;
    this.optima = new double[values.length];
    for (int m = 0; m < values.length; m++) {
      optima[m] = Arrays.stream(values[m]).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }
  }

  /**
   * Reads the CSV at {@code csv}.
   *
   * @throws BadInputException naming the file and line of a missing file, column or bad cell
   */
  public static NasBench201Table load(Path csv) {
    double[][] values = new double[METRICS.size()][CELLS];
    for (double[] v : values) {
      Arrays.fill(v, Double.NaN);
    }
    int[] rowOfCell = new int[CELLS];
    NasBench201Space space = new NasBench201Space();
    int rows = 0;
    try (CsvText in = CsvText.open(csv, "NAS-Bench-201 table")) {
      List<String> columns = in.header("cellstr and " + METRICS);
      int cellColumn = requireColumn(columns, CELL_COLUMN, csv);
      int[] metricColumn = new int[METRICS.size()];
      for (int m = 0; m < METRICS.size(); m++) {
        metricColumn[m] = requireColumn(columns, METRICS.get(m), csv);
      }
      String[] cells;
      while ((cells = in.next()) != null) {
        int lineNo = in.line();
        if (cells.length != columns.size()) {
          throw new BadInputException(
              csv + ": line " + lineNo + ": " + cells.length + " cells, the header has " + columns.size());
        }
        Architecture arch;
        try {
          arch = space.decode(cells[cellColumn]);
        } catch (BadInputException e) {
          throw new BadInputException(csv + ": line " + lineNo + ": column cellstr: " + e.getMessage(), e);
        }
        int cell = index(arch);
        if (rowOfCell[cell] != 0) {
          throw new BadInputException(
              csv + ": line " + lineNo + ": cell " + cells[cellColumn] + " repeats line " + rowOfCell[cell]);
        }
        rowOfCell[cell] = lineNo;
        for (int m = 0; m < METRICS.size(); m++) {
          values[m][cell] = number(cells[metricColumn[m]], csv, lineNo, METRICS.get(m));
        }
        rows++;
      }
    }
    if (rows == 0) {
      throw new BadInputException(
          csv + ": has a header but no rows: a search over it could only report INVALID trials");
    }
    return new NasBench201Table(values, rows);
  }

  private static int requireColumn(List<String> columns, String name, Path csv) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new BadInputException(csv + ": line 1: header lacks column '" + name + "' (has: " + String.join(", ", columns) + ")");
    }
    return i;
  }

  static double number(String cell, Path file, int lineNo, String column) {
    try {
      double v = Double.parseDouble(cell.trim());
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new BadInputException(file + ": line " + lineNo + ": column " + column + ": '" + cell + "' is not a finite number");
    }
  }

  /** The cell's choices read as a base-5 number. */
  private static int index(Architecture arch) {
    int i = 0;
    for (int d = 0; d < arch.size(); d++) {
      i = i * NasBench201Space.OPS.size() + arch.get(d);
    }
    return i;
  }

  @Override
  public String name() {
    return NasBench201Space.NAME;
  }

  @Override
  public SearchSpace space() {
    return space;
  }

  @Override
  public List<String> metrics() {
    return METRICS;
  }

  /** Rows read from the file (15,625 for the full benchmark). */
  public int rows() {
    return rows;
  }

  @Override
  public OptionalDouble value(Architecture arch, String metric) {
    int m = METRICS.indexOf(checkMetric(metric));
    if (!space.isValid(arch)) {
      return OptionalDouble.empty();
    }
    double v = values[m][index(arch)];
    return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  @Override
  public double optimum(String metric) {
    return optima[METRICS.indexOf(checkMetric(metric))];
  }
}
