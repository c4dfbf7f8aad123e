package dev.jnas.evaluate.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.TableSpace;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NasBench201TableTest {
  static final String HEADER = "arch,cellstr,cifar10-test,cifar10-val,cifar100-test,cifar100-val,imagenet-test,imagenet-val";
  static final String CELL1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

  static NasBench201Table table;
  final NasBench201Space space = new NasBench201Space();

  static Path csv() {
    String shared = System.getProperty("jnas.shared");
    assertThat(shared).as("system property jnas.shared").isNotNull();
    Path p = Path.of(shared, "benchmarks", "nasbench201.csv");
    assertThat(p).as("shared NAS-Bench-201 table").isRegularFile();
    return p;
  }

  @BeforeAll
  static void load() {
    table = NasBench201Table.load(csv());
  }

  @Test
  void holdsEveryCellAndTheDocumentedOptima() {
    assertThat(table.rows()).isEqualTo(15_625);
    assertThat(table.optimum("cifar10-val")).isCloseTo(84.892, within(1e-3));
    assertThat(table.optimum("cifar10-test")).isCloseTo(89.16, within(1e-3));
    Architecture best =
        space.enumerate().max(Comparator.comparingDouble(a -> table.value(a, "cifar10-val").orElseThrow())).orElseThrow();
    TrialResult r = new TabularEvaluator(table, "cifar10-val").evaluate(best, TrialContext.of(0, 0, 0));
    assertThat(r.status()).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.reward()).isEqualTo(table.optimum("cifar10-val"));
    assertThat(r.valAccuracy()).isEqualTo(r.reward());
    assertThat(r.testAccuracy()).isCloseTo(89.03, within(1e-3));
  }

  @Test
  void looksUpACellByItsChoices() {
    Architecture a = space.decode(CELL1);
    assertThat(table.value(a, "cifar10-val")).hasValue(82.83399999389648);
    assertThat(table.value(a, "cifar10-test")).hasValue(88.22);
    TrialResult r = new TabularEvaluator(table, "cifar100-val").evaluate(a, TrialContext.of(3, 1, 12));
    assertThat(r.reward()).isEqualTo(57.79999996948242);
    assertThat(r.testAccuracy()).isEqualTo(58.25999995727539);
    assertThat(r.wallSeconds()).isZero();
  }

  @Test
  void pairsValidationWithTestMetrics() {
    assertThat(table.testMetricFor("cifar10-val")).hasValue("cifar10-test");
    assertThat(table.testMetricFor("imagenet-val")).hasValue("imagenet-test");
    assertThat(table.testMetricFor("cifar10-test")).isEmpty();
    assertThat(new TabularEvaluator(table, "cifar10-test").evaluate(space.decode(CELL1), TrialContext.of(0, 0, 0)).testAccuracy())
        .isNaN();
  }

  @Test
  void rejectsAnUnknownMetricListingTheValidOnes() {
    assertThatThrownBy(() -> new TabularEvaluator(table, "cifar10-valid"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cifar10-valid")
        .hasMessageContaining(String.join(", ", NasBench201Table.METRICS));
  }

  @Test
  void validatesTheSpaceAndRejectsForeignArchitectures() {
    TabularEvaluator e = new TabularEvaluator(table, "cifar10-val");
    e.validateSpace(new NasBench201Space());
    assertThatThrownBy(() -> e.validateSpace(new TableSpace(List.of("01234", "01234"))))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nasbench201");
    TrialResult r = e.evaluate(new Architecture("toy", new int[] {0, 0, 0, 0, 0, 0}), TrialContext.of(0, 0, 0));
    assertThat(r.status()).isEqualTo(TrialStatus.INVALID);
  }

  @Test
  void rejectsBadFilesNamingFileAndLine(@TempDir Path dir) throws IOException {
    String row1 = "1," + CELL1 + ",88.22,82.83,58.26,57.8,33.8,35.43";
    assertThatThrownBy(() -> NasBench201Table.load(dir.resolve("none.csv")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("none.csv");
    Path noColumn = Files.writeString(dir.resolve("nocol.csv"), HEADER.replace(",imagenet-val", "") + "\n");
    assertThatThrownBy(() -> NasBench201Table.load(noColumn))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nocol.csv: line 1")
        .hasMessageContaining("imagenet-val");
    Path badCell = Files.writeString(dir.resolve("cell.csv"), HEADER + "\n" + row1 + "\n" + row1.replace("avg_pool_3x3~1", "max_pool~1") + "\n");
    assertThatThrownBy(() -> NasBench201Table.load(badCell))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cell.csv: line 3")
        .hasMessageContaining("max_pool");
    Path badNumber = Files.writeString(dir.resolve("num.csv"), HEADER + "\n" + row1.replace("58.26", "n/a") + "\n");
    assertThatThrownBy(() -> NasBench201Table.load(badNumber))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("num.csv: line 2")
        .hasMessageContaining("cifar100-test")
        .hasMessageContaining("'n/a'");
    Path repeated = Files.writeString(dir.resolve("rep.csv"), HEADER + "\n" + row1 + "\n" + row1 + "\n");
    assertThatThrownBy(() -> NasBench201Table.load(repeated))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("rep.csv: line 3")
        .hasMessageContaining("repeats line 2");
    Path shortRow = Files.writeString(dir.resolve("short.csv"), HEADER + "\n1," + CELL1 + ",88.22\n");
    assertThatThrownBy(() -> NasBench201Table.load(shortRow))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("short.csv: line 2");
  }

  @Test
  void aPartialTableLeavesMissingCellsInvalid(@TempDir Path dir) throws IOException {
    Path one = Files.writeString(dir.resolve("one.csv"), HEADER + "\n1," + CELL1 + ",88.22,82.83,58.26,57.8,33.8,35.43\n");
    NasBench201Table t = NasBench201Table.load(one);
    TabularEvaluator e = new TabularEvaluator(t, "cifar10-val");
    assertThat(e.evaluate(space.decode(CELL1), TrialContext.of(0, 0, 0)).reward()).isEqualTo(82.83);
    assertThat(e.evaluate(space.mutate(space.decode(CELL1), dev.jnas.util.Rng.of(1)), TrialContext.of(0, 0, 0)).status())
        .isEqualTo(TrialStatus.INVALID);
    assertThat(t.optimum("cifar10-val")).isEqualTo(82.83);
  }

  @Test
  void readsQuotedCellsABomAndCrlfAndRefusesAHeaderWithoutRows(@TempDir Path dir) throws IOException {
    Path crlf = Files.writeString(dir.resolve("crlf.csv"),
        "\uFEFF" + HEADER.replace("cifar10-val", "\"cifar10-val\"") + "\r\n1,\"" + CELL1 + "\",88.22,82.83,58.26,57.8,33.8,35.43\r\n");
    NasBench201Table t = NasBench201Table.load(crlf);
    assertThat(t.rows()).isEqualTo(1);
    assertThat(t.value(space.decode(CELL1), "cifar10-val")).hasValue(82.83);
    assertThat(MetricTables.load(crlf, null)).isInstanceOf(NasBench201Table.class);
    Path headerOnly = Files.writeString(dir.resolve("header.csv"), HEADER + "\r\n\r\n");
    assertThatThrownBy(() -> NasBench201Table.load(headerOnly))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("header.csv: has a header but no rows");
  }
}
