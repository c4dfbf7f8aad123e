package dev.jnas.evaluate.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.tabular.TabularBenchmark;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.TableSpace;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyedTableTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static final TrialContext CTX = TrialContext.of(0, 0, 0);

  @Test
  void readsAJsonOfNumbersAndInfersTheSpace() throws IOException {
    KeyedTable t = KeyedTable.load(write("t.json", "{\"0201\": 91.2, \"1120\": 88.5,\n \"0101\": 93.75}"));
    assertThat(t.metrics()).containsExactly("value");
    assertThat(t.space().positions()).containsExactly("01", "12", "02", "01");
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.value("0201", "value")).hasValue(91.2);
    assertThat(t.value(t.space().decode("0101"), "value")).hasValue(93.75);
    assertThat(t.value("1221", "value")).isEmpty();
    assertThat(t.optimum("value")).isEqualTo(93.75);
  }

  @Test
  void evaluatesKeysAndReportsMissingOnesInvalid() throws IOException {
    KeyedTable t = KeyedTable.load(write("t.json", "{\"0201\": 91.2, \"1120\": 88.5}"));
    TabularEvaluator e = new TabularEvaluator(t, "value");
    TrialResult r = e.evaluate(t.space().decode("1120"), CTX);
    assertThat(r.status()).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.reward()).isEqualTo(88.5);
    assertThat(r.valAccuracy()).isEqualTo(88.5);
    assertThat(r.testAccuracy()).isNaN();
    TrialResult missing = e.evaluate(t.space().decode("0221"), CTX);
    assertThat(missing.status()).isEqualTo(TrialStatus.INVALID);
    assertThat(missing.error()).contains("0221");
    e.validateSpace(TableSpace.inferFrom(List.of("0201", "1120")));
    assertThatThrownBy(() -> e.validateSpace(new NasBench201Space())).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> e.validateSpace(new TableSpace(List.of("01", "12", "02", "012"))))
        .isInstanceOf(BadInputException.class);
  }

  @Test
  void readsAJsonOfMetricObjects() throws IOException {
    KeyedTable t = KeyedTable.load(write("t.json", """
        {"00": {"val_acc": 90.5, "test_acc": 89.0, "params": 1200, "note": "baseline"},
         "01": {"val_acc": 92.0, "test_acc": null, "params": 3400},
         "10": {"val_acc": 91.0, "test_acc": 90.1, "params": 800}}
        """));
    assertThat(t.metrics()).containsExactly("val_acc", "test_acc", "params");
    assertThat(t.value("01", "test_acc")).isEmpty();
    TabularEvaluator e = new TabularEvaluator(t, "val_acc");
    TrialResult r = e.evaluate(t.space().decode("10"), CTX);
    assertThat(r.reward()).isEqualTo(91.0);
    assertThat(r.testAccuracy()).isEqualTo(90.1);
    assertThat(e.optimum()).isEqualTo(92.0);
    assertThat(e.evaluate(t.space().decode("11"), CTX).status()).isEqualTo(TrialStatus.INVALID);
    assertThatThrownBy(() -> new TabularEvaluator(t, "acc"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'acc'")
        .hasMessageContaining("val_acc, test_acc, params");
  }

  @Test
  void readsACsvWithAKeyColumnAnywhere() throws IOException {
    KeyedTable t = KeyedTable.load(write("t.csv", "cifar-val,key,cifar-test\n91.5,021,90.0\n\n88,\"120\",\n"));
    assertThat(t.metrics()).containsExactly("cifar-val", "cifar-test");
    assertThat(t.value("021", "cifar-val")).hasValue(91.5);
    assertThat(t.value("120", "cifar-val")).hasValue(88.0);
    assertThat(t.value("120", "cifar-test")).isEmpty();
    assertThat(t.space().positions()).containsExactly("01", "2", "01");
    TrialResult r = new TabularEvaluator(t, "cifar-val").evaluate(t.space().decode("021"), CTX);
    assertThat(r.testAccuracy()).isEqualTo(90.0);
  }

  @Test
  void takesTheFirstCsvColumnAsKeyWithoutAKeyHeader() throws IOException {
    KeyedTable t = KeyedTable.load(write("t.csv", "arch,acc\n0011,70.5\n0110,72\n"));
    assertThat(t.metrics()).containsExactly("acc");
    assertThat(t.value("0110", "acc")).hasValue(72.0);
  }

  @Test
  void checksKeysAgainstADeclaredSpace() throws IOException {
    TableSpace declared = new TableSpace(List.of("012", "012"));
    KeyedTable t = KeyedTable.load(write("t.csv", "key,acc\n01,1\n22,2\n"), declared);
    assertThat(t.space()).isSameAs(declared);
    assertThat(t.space().size().intValue()).isEqualTo(9);
    assertThatThrownBy(() -> KeyedTable.load(write("u.csv", "key,acc\n01,1\n23,2\n"), declared))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("u.csv")
        .hasMessageContaining("line 3")
        .hasMessageContaining("position 1");
  }

  @Test
  void rejectsBadFilesNamingFileAndLine() throws IOException {
    assertThatThrownBy(() -> KeyedTable.load(dir.resolve("absent.json")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("absent.json");
    assertThatThrownBy(() -> KeyedTable.load(write("len.csv", "key,acc\n0201,1\n0202,2\n020,3\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("len.csv: line 4")
        .hasMessageContaining("'020'");
    assertThatThrownBy(() -> KeyedTable.load(write("len.json", "{\"0201\": 1,\n \"02011\": 2}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("len.json: line 2")
        .hasMessageContaining("'02011'");
    assertThatThrownBy(() -> KeyedTable.load(write("num.csv", "key,acc\n01,1\n02,9x\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("num.csv: line 3")
        .hasMessageContaining("acc")
        .hasMessageContaining("'9x'");
    assertThatThrownBy(() -> KeyedTable.load(write("cells.csv", "key,acc\n01,1,5\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cells.csv: line 2");
    assertThatThrownBy(() -> KeyedTable.load(write("dup.csv", "key,acc\n01,1\n01,2\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("repeats line 2");
    assertThatThrownBy(() -> KeyedTable.load(write("str.json", "{\"01\": {\"acc\": 1},\n\"02\": {\"acc\": \"high\"}}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("str.json: line 2")
        .hasMessageContaining("acc");
    assertThatThrownBy(() -> KeyedTable.load(write("syntax.json", "{\"01\": 1,\n\"02\": 2,,\n}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("syntax.json: line 2");
    assertThatThrownBy(() -> KeyedTable.load(write("mixed.json", "{\"01\": 1,\n\"02\": {\"acc\": 2}}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> KeyedTable.load(write("empty.csv", "key,acc\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no rows");
  }

  @Test
  void opensEitherKindOfTableByItsContent() throws IOException {
    assertThat(MetricTables.load(write("k.csv", "key,acc\n01,1\n"), null)).isInstanceOf(KeyedTable.class);
    assertThat(MetricTables.load(write("k.json", "{\"01\": 1}"), null)).isInstanceOf(KeyedTable.class);
    Path nb = write("nb.csv", "arch,cellstr,cifar10-test,cifar10-val,cifar100-test,cifar100-val,imagenet-test,imagenet-val\n"
        + "0,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10,10,1,1,1,1\n");
    assertThat(MetricTables.load(nb, null)).isInstanceOf(NasBench201Table.class);
  }

  @Test
  void benchmarksStrategiesOnAKeyedTable() throws IOException {
    StringBuilder json = new StringBuilder("{");
    int n = 0;
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        for (int c = 0; c < 3; c++) {
          if ((a + b + c) % 5 != 0) { // some keys missing: INVALID when asked
            json.append(n++ > 0 ? "," : "").append("\"").append(a).append(b).append(c).append("\": ").append(a * 10 + b * 3 + c);
          }
        }
      }
    }
    KeyedTable t = KeyedTable.load(write("grid.json", json.append("}").toString()));
    TabularBenchmark bench = new TabularBenchmark("grid", new TabularEvaluator(t, "value"));
    List<TabularBenchmark.Result> results = bench.run(List.of("grid", "random"), List.of(5, 48), 4);
    assertThat(results).hasSize(4);
    TabularBenchmark.Result gridAll = results.get(1);
    assertThat(gridAll.strategy()).isEqualTo("grid");
    assertThat(gridAll.queries()).isEqualTo(48);
    assertThat(gridAll.foundOptimum()).isEqualTo(1.0);
    assertThat(gridAll.meanRegret()).isZero();
    assertThat(results.get(3).foundOptimum()).isEqualTo(1.0); // random asked all 48 keys
    assertThat(bench.toJson(results).get("optimum").asDouble()).isEqualTo(t.optimum("value"));
  }

  @Test
  void readsQuotedCellsABomAndCrlfLines() throws IOException {
    Path f = write("q.csv", "\uFEFFkey,\"acc, val\",\"say \"\"hi\"\"\"\r\n\"012\", 91.5 ,\"90.0\"\r\n\r\n021,88,\r\n");
    KeyedTable t = KeyedTable.load(f);
    assertThat(t.metrics()).containsExactly("acc, val", "say \"hi\"");
    assertThat(t.value("012", "acc, val")).hasValue(91.5);
    assertThat(t.value("012", "say \"hi\"")).hasValue(90.0);
    assertThat(t.value("021", "say \"hi\"")).isEmpty();
    assertThat(t.space().positions()).containsExactly("0", "12", "12");
    // a value spanning lines: the next row's line is still counted from the file's start
    assertThatThrownBy(() -> KeyedTable.load(write("m.csv", "key,acc\n\"0\n1\",1\n02,x\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("m.csv: line 4");
    assertThatThrownBy(() -> KeyedTable.load(write("open.csv", "key,acc\n01,1\n02,\"3\n")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("open.csv: line ")
        .hasMessageContaining("not valid CSV")
        .hasMessageContaining("quote");
  }

  @Test
  void refusesTablesWithoutRowsOrValues() throws IOException {
    for (String text : List.of("key,acc\r\n", "\uFEFFkey,acc\n\n\n", "{}")) {
      String name = text.startsWith("{") ? "e.json" : "e.csv";
      assertThatThrownBy(() -> MetricTables.load(write(name, text), null))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("no rows");
    }
    assertThatThrownBy(() -> MetricTables.load(write("blank.csv", "\n\n"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("blank.csv: line 1: empty file");
    KeyedTable noValues = KeyedTable.load(write("nv.csv", "key,acc,other\n01,,1\n02,,2\n"));
    assertThatThrownBy(() -> new TabularEvaluator(noValues, "acc"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("has no value of metric 'acc' in any row");
  }

  @Test
  void aBinaryFileIsNotATextTable() throws IOException {
    Path gz = dir.resolve("t.csv");
    Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 8, 0x4b, 0x2c, (byte) 0xcc, 0x49}); // gzip magic, no NUL
    assertThatThrownBy(() -> MetricTables.load(gz, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(gz + " is not a text table (not UTF-8: Invalid UTF-8 start byte 0x8b");
    Path nul = dir.resolve("n.csv");
    Files.write(nul, new byte[] {'k', 'e', 'y', ',', 'a', '\n', 0, 1, 2});
    assertThatThrownBy(() -> KeyedTable.load(nul))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(nul + " is not a text table (it holds a NUL byte at offset 6)");
    assertThatThrownBy(() -> NasBench201Table.load(nul))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("is not a text table");
    // invalid UTF-8 after the first 8 KB: still named, with its line
    Path late = dir.resolve("late.csv");
    StringBuilder rows = new StringBuilder("key,acc\n");
    for (int i = 0; i < 1000; i++) {
      rows.append(String.format("%04d,%d\n", i, i));
    }
    byte[] text = rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] withBad = java.util.Arrays.copyOf(text, text.length + 3);
    withBad[text.length] = (byte) 0xff;
    withBad[text.length + 1] = ',';
    withBad[text.length + 2] = '1';
    Files.write(late, withBad);
    assertThatThrownBy(() -> KeyedTable.load(late))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(late + " is not a text table (not UTF-8");
  }
}
