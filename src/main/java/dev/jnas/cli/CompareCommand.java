package dev.jnas.cli;

import dev.jnas.report.ParetoReport;
import dev.jnas.report.ProgressReport;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.BadInputException;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "compare", description = {
      "Compare experiments (reads only their stores): the best validation accuracy against minutes and epochs"
          + " trained, and the Pareto fronts of validation error against parameters (or multiply-adds).",
      "Prints a table and writes progress.csv/.png/.svg and pareto.csv/.png/.svg into the output folder."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", description = "experiment folders")
  List<Path> experiments;

  @Option(names = {"-o", "--output"}, description = "folder for the tables and figures (default: <first experiment>/compare)")
  Path output;

  @Option(names = "--cost", defaultValue = "params", description = "the Pareto fronts' cost: params, flops or latency (measured by a LEMONADE search with objective latency) (default: ${DEFAULT-VALUE})")
  String cost;

  @Option(names = "--minutes", split = ",", description = "report the best accuracy within these minutes (default: 5,10,20,30)")
  List<Double> minutes = List.of(5.0, 10.0, 20.0, 30.0);

  @Option(names = "--reach", split = ",", description = "report the epochs trained until the best accuracy reached these (default: 0.80,0.85,0.88,0.90)")
  List<Double> reach = List.of(0.80, 0.85, 0.88, 0.90);

  @Override
  public Integer call() throws IOException {
    ParetoReport.Cost c;
    try {
      c = ParetoReport.Cost.valueOf(cost.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--cost " + cost + ": must be params, flops or latency");
    }
    for (double r : reach) {
      if (!(r > 0 && r <= 1)) {
        throw new BadInputException("--reach " + r + ": accuracies are fractions in (0, 1]");
      }
    }
    List<ParetoReport.Series> fronts = new ArrayList<>();
    List<ProgressReport.Series> curves = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (Path d : experiments) {
      try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(d)) {
        String name = s.experiment().orElseThrow().name();
        String label = labels.add(name) ? name : name + " (" + d + ")";
        labels.add(label);
        List<TrialRecord> trials = s.trials();
        fronts.add(new ParetoReport.Series(label, trials));
        curves.add(new ProgressReport.Series(label, ProgressReport.curve(trials)));
      }
    }
    Path out = output != null ? output : experiments.get(0).resolve("compare");
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new BadInputException("cannot create output folder " + out + ": " + e.getMessage(), e);
    }
    PrintWriter w = spec.commandLine().getOut();
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-24s %7s %8s %7s %9s", "experiment", "trials", "minutes", "epochs", "best"));
    minutes.forEach(m -> head.append(String.format(Locale.ROOT, " %9s", "@" + fmtMinutes(m) + "min")));
    reach.forEach(r -> head.append(String.format(Locale.ROOT, " %9s", "ep>=" + String.format(Locale.ROOT, "%.2f", r))));
    w.println(head);
    for (ProgressReport.Series s : curves) {
      List<ProgressReport.Point> cv = s.curve();
      ProgressReport.Point last = cv.isEmpty() ? null : cv.get(cv.size() - 1);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-24s %7d %8.1f %7d %9s", s.label(), cv.size(),
          last == null ? 0 : last.minutes(), last == null ? 0 : last.epochs(), last == null ? "-" : pct(last.bestSoFar())));
      for (double m : minutes) {
        var b = ProgressReport.bestWithin(cv, m);
        row.append(String.format(Locale.ROOT, " %9s", b.isPresent() ? pct(b.getAsDouble()) : "-"));
      }
      for (double r : reach) {
        var e = ProgressReport.epochsToReach(cv, r);
        row.append(String.format(Locale.ROOT, " %9s", e.isPresent() ? String.valueOf(e.getAsInt()) : "-"));
      }
      w.println(row);
    }
    w.println();
    w.printf(Locale.ROOT, "Pareto fronts (validation error against %s):%n", c.name().toLowerCase(Locale.ROOT));
    for (ParetoReport.Series s : fronts) {
      List<TrialRecord> front = ParetoReport.front(ParetoReport.points(s.trials(), c), c);
      StringBuilder b = new StringBuilder("  " + s.label() + ":");
      for (TrialRecord t : front) {
        b.append(String.format(Locale.ROOT, " %s/%s", human(c.of(t), c), pct(1 - t.result().valAccuracy())));
      }
      w.println(b);
    }
    ProgressReport.write(out, "progress", curves);
    try {
      ParetoReport.write(out, "pareto", c, fronts);
    } catch (IllegalArgumentException e) {
      throw new NasException("no Pareto front to draw: " + e.getMessage());
    }
    w.println("written: " + out.resolve("progress.csv") + ", progress.png/.svg, pareto.csv, pareto.png/.svg");
    w.flush();
    return 0;
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "-";
  }

  private static String fmtMinutes(double m) {
    return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
  }

  private static String human(double n, ParetoReport.Cost c) {
    if (c == ParetoReport.Cost.LATENCY) {
      return String.format(Locale.ROOT, "%.3fms", n);
    }
    return n >= 1_000_000 ? String.format(Locale.ROOT, "%.2fM", n / 1e6) : n >= 1000 ? String.format(Locale.ROOT, "%.1fk", n / 1e3) : String.valueOf((long) n);
  }
}
