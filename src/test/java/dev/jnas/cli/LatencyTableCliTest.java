package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.jnas.model.Supernets;
import dev.jnas.oneshot.LatencyTable;
import dev.jnas.space.NasBench201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jnas latency-table} on a tiny supernet: the table it writes, predictions, and bad flags. */
class LatencyTableCliTest {
  private static final String PARAMS = "{\"cells_per_stage\":1,\"channels\":4}";
  private static final String ARCH = "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|";

  @TempDir Path dir;

  private static CliRunner.Result run(String... extra) {
    String[] base = {"latency-table", "--warmup", "1", "--repeats", "2", "--calibration", "1"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRunner.run(args);
  }

  @Test
  void writesATableThatFitsTheSupernetAndPredicts() {
    Path file = dir.resolve("tables/nb201.json");
    CliRunner.Result r =
        run("--space", "nasbench201", "--space-params", PARAMS, "--input-shape", "1,8,8", "--classes", "10",
            "--out", file.toString(), "--predict", ARCH);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("18 mixed ops, 90 candidates: 9 distinct timed", "written to " + file, ARCH + ": predicted ");

    LatencyTable t = LatencyTable.load(file, Supernets.create(new NasBench201Space(1, 4), new Shape(1, 8, 8), 10));
    assertThat(t.meta().space()).isEqualTo("nasbench201");
    assertThat(t.meta().spaceParams().path("cells_per_stage").asInt()).isEqualTo(1);
    assertThat(t.meta().threads()).isEqualTo(1);
    assertThat(t.meta().batch()).isEqualTo(1);
    assertThat(t.meta().repeats()).isEqualTo(2);
    assertThat(t.calibration()).hasSize(1);

    // an existing table: space, shape and batch come from the file
    CliRunner.Result p = run("--table", file.toString(), "--predict", ARCH);
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertThat(p.out()).contains("latency table " + file, ARCH + ": predicted ", "measured end to end");
  }

  @Test
  void badFlagsExitTwoWithAMessage() throws Exception {
    String out = dir.resolve("t.json").toString();
    String[] tiny = {"--space", "nasbench201", "--space-params", PARAMS, "--input-shape", "1,8,8", "--classes", "10"};

    assertBad(run("--space", "nasbench201"), "give --out FILE");
    assertBad(run("--out", out), "--space is required");
    assertBad(run(concat(tiny, "--out", out, "--batch", "0")), "--batch must be >= 1");
    assertBad(CliRunner.run(concat(concat(new String[] {"latency-table"}, tiny), "--out", out, "--repeats", "0")),
        "--repeats must be >= 1");
    assertBad(run("--space", "nasbench201", "--input-shape", "1,8", "--classes", "10", "--out", out), "--input-shape: expected C,H,W");
    assertBad(run("--space", "nasbench201", "--input-shape", "1,8,8", "--out", out), "needs --classes");
    assertBad(run("--space", "nasbench201", "--dataset", "mnist", "--out", out), "unknown dataset 'mnist'");
    assertBad(run("--space", "nope", "--out", out), "unknown search space 'nope'");
    assertBad(run("--space", "nasrl-macro", "--out", out), "has a supernet only with ENAS's macro ops");
    assertBad(run(concat(tiny, "--out", out, "--predict", "|conv~0|")), "NAS-Bench-201 cell string");
    assertBad(run(concat(tiny, "--out", dir.toString())), "is a folder");
    assertBad(run(concat(tiny, "--out", out, "--frobnicate")), "--frobnicate");
    assertThat(Files.exists(Path.of(out))).as("nothing written on bad input").isFalse();

    Path junk = dir.resolve("junk.json");
    Files.writeString(junk, "[1, 2");
    assertBad(run("--table", junk.toString(), "--predict", "x"), "latency table " + junk + ": malformed JSON");
    assertBad(run("--table", junk.toString()), "--table needs --predict");
    assertBad(run("--table", junk.toString(), "--space", "nasbench201", "--predict", "x"), "--space cannot be used with --table");
  }

  private static void assertBad(CliRunner.Result r, String message) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains(message);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
