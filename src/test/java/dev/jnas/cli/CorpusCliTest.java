package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.data.text.FakeFortunes;
import dev.jnas.data.text.StochasticGrammar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusCliTest {
  @TempDir Path dir;

  @Test
  void grammarWritesTheCorpusAndPrintsTheFloor() {
    Path out = dir.resolve("g");
    CliRunner.Result r = CliRunner.run("corpus", "grammar", "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    String floor = String.format(Locale.ROOT, "%.4f", StochasticGrammar.english().perplexityFloor());
    assertThat(r.out())
        .contains("perplexity floor: " + floor + System.lineSeparator())
        .containsPattern("true model's test-set perplexity: \\d+\\.\\d{4}")
        .contains("train.txt 20000 sentences");
    assertThat(out.resolve("train.txt")).isNotEmptyFile();
    assertThat(out.resolve("valid.txt")).isNotEmptyFile();
    assertThat(out.resolve("test.txt")).isNotEmptyFile();
  }

  @Test
  void grammarFlagsAreChecked() throws IOException {
    Path out = dir.resolve("g");
    CliRunner.Result r = CliRunner.run("corpus", "grammar", "--output", out.toString(), "--train", "-5");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--train must be at least 1").contains("-5");
    assertThat(CliRunner.run("corpus", "grammar", "--output", out.toString(), "--test", "0").err()).contains("--test");
    assertThat(out).doesNotExist();
    Path file = dir.resolve("file");
    Files.writeString(file, "x");
    r = CliRunner.run("corpus", "grammar", "--output", file.toString(), "--train", "5", "--valid", "5", "--test", "5");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--output " + file + " is a file");
    assertThat(Files.readString(file)).isEqualTo("x");
    assertThat(CliRunner.run("corpus").exitCode()).isEqualTo(2);
  }

  @Test
  void fortunesWritesACorpusFromTheNamedFiles() throws IOException {
    Path source = FakeFortunes.write(dir.resolve("fortunes"));
    Path out = dir.resolve("f");
    CliRunner.Result r =
        CliRunner.run("corpus", "fortunes", "--source", source.toString(), "--files", "alpha,beta", "--vocabulary", "4",
            "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("25 fortunes of alpha, beta").contains("vocabulary: 6 (4 words kept + <unk> + <eos>)");
    assertThat(Files.readAllLines(out.resolve("test.txt"))).hasSize(1);
  }

  @Test
  void fortunesFlagsAreChecked() throws IOException {
    Path source = FakeFortunes.write(dir.resolve("fortunes"));
    Path out = dir.resolve("f");
    CliRunner.Result r = CliRunner.run("corpus", "fortunes", "--source", source.toString(), "--files", "alpha,gamma", "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--files").contains("'gamma'").contains("alpha, beta");
    r = CliRunner.run("corpus", "fortunes", "--source", dir.resolve("none").toString(), "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--source").contains("apt-get install fortunes");
    r = CliRunner.run("corpus", "fortunes", "--source", source.toString(), "--vocabulary", "-1", "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--vocabulary");
    assertThat(out).doesNotExist();
  }
}
