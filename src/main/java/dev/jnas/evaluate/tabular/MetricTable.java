package dev.jnas.evaluate.tabular;

import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * A benchmark table: recorded metrics of the architectures of one search space, looked up
 * instead of trained. Higher metric values are better.
 */
public interface MetricTable {
  /** A "val" word in a metric name (cifar10-val, val_acc); its "test" twin is the paired metric. */
  Pattern VAL_WORD = Pattern.compile("(?<=^|[-_.])val(?=$|[-_.])");

  /** What the table is, for reports (e.g. {@code nasbench201} or the file name). */
  String name();

  /** The space whose architectures key the table. */
  SearchSpace space();

  /** The metric columns, in file order. */
  List<String> metrics();

  /** The recorded value, or empty when the table has no value for {@code arch}. */
  OptionalDouble value(Architecture arch, String metric);

  /** The best (largest) value of {@code metric} in the table. */
  double optimum(String metric);

  /** The metric recorded on the test split for the same models, e.g. cifar10-val -> cifar10-test. */
  default Optional<String> testMetricFor(String metric) {
    String test = VAL_WORD.matcher(metric).replaceFirst("test");
    return !test.equals(metric) && metrics().contains(test) ? Optional.of(test) : Optional.empty();
  }

  /** Returns {@code metric} or throws a BadInputException listing the valid metrics. */
  default String checkMetric(String metric) {
    if (!metrics().contains(metric)) {
      throw new BadInputException(
          "table " + name() + " has no metric '" + metric + "' (valid: " + String.join(", ", metrics()) + ")");
    }
    return metric;
  }
}
