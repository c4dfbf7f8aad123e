package dev.jnas.evaluate.tabular;

import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Evaluates by table look-up: reward = validation accuracy = the table's value of {@code metric}
 * (in the table's unit), test accuracy = its paired test metric when the table has one. An
 * architecture the table lacks is INVALID. Stateless, so safe from several threads.
 */
public final class TabularEvaluator implements Evaluator {
  private final MetricTable table;
  private final String metric;
  private final Optional<String> testMetric;

  /**
   * @throws BadInputException when the table has no such metric (the message lists the valid ones)
   *     or no value of it at all (every trial would be INVALID and the optimum undefined)
   */
  public TabularEvaluator(MetricTable table, String metric) {
    this.table = table;
    this.metric = table.checkMetric(metric);
    this.testMetric = table.testMetricFor(metric);
    if (Double.isNaN(table.optimum(metric))) {
      throw new BadInputException("table " + table.name() + " has no value of metric '" + metric + "' in any row");
    }
  }

  public MetricTable table() {
    return table;
  }

  public String metric() {
    return metric;
  }

  /** The best value of the metric in the table: the optimum a search can reach. */
  public double optimum() {
    return table.optimum(metric);
  }

  public SearchSpace space() {
    return table.space();
  }

  @Override
  public TrialResult evaluate(Architecture arch, TrialContext context) {
    Optional<String> violation = table.space().violation(arch);
    if (violation.isPresent()) {
      return TrialResult.invalid(violation.get());
    }
    OptionalDouble v = table.value(arch, metric);
    if (v.isEmpty()) {
      return TrialResult.invalid(
          "table " + table.name() + " has no " + metric + " for " + table.space().encode(arch));
    }
    double test = testMetric.flatMap(t -> box(table.value(arch, t))).orElse(Double.NaN);
    double val = v.getAsDouble();
    return new TrialResult(TrialStatus.COMPLETE, List.of(), val, test, val, 0, 0, 0.0, null);
  }

  private static Optional<Double> box(OptionalDouble d) {
    return d.isPresent() ? Optional.of(d.getAsDouble()) : Optional.empty();
  }

  @Override
  public void validateSpace(SearchSpace space) {
    SearchSpace own = table.space();
    if (!space.name().equals(own.name()) || !space.decisions().equals(own.decisions())) {
      throw new BadInputException(
          "table " + table.name() + " is keyed by space " + own.name() + " with " + own.decisions().size()
              + " decisions " + own.decisions() + "; the experiment's space " + space.name() + " has "
              + space.decisions().size() + " decisions " + space.decisions());
    }
  }
}
