package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

/** {@code jnas bench supernet} on a tiny supernet: valid reports, and bad input exits 2. No timing assertions. */
class BenchSupernetCliTest {
  private static final String NB201_PARAMS = "{\"cells_per_stage\":1,\"channels\":8}";

  private static CliRunner.Result bench(String... extra) {
    return CliRunner.runWith(new String[] {"bench", "supernet", "--batch", "8", "--steps", "2", "--warmup", "1", "--threads", "1"}, extra);
  }

  private static JsonNode benchJson(String... extra) throws Exception {
    CliRunner.Result r = bench(extra);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode j = Json.MAPPER.readTree(r.out());
    for (String f : new String[] {"train_images_per_s", "peak_rss_mib", "params", "arch_params"}) {
      assertThat(j.path(f).isNumber()).as(f).isTrue();
      assertThat(j.path(f).asDouble()).as(f).isPositive();
    }
    JsonNode ms = j.path("step_ms");
    for (String f : new String[] {"data", "path", "forward", "backward", "optimizer", "weight", "arch", "total"}) {
      assertThat(ms.path(f).isNumber()).as(f).isTrue();
      assertThat(ms.path(f).asDouble()).as(f).isGreaterThanOrEqualTo(0);
    }
    for (String f : new String[] {"forward", "backward", "optimizer", "arch"}) {
      assertThat(ms.path(f).asDouble()).as(f).isPositive();
    }
    double weight = ms.path("path").asDouble() + ms.path("forward").asDouble() + ms.path("backward").asDouble()
        + ms.path("optimizer").asDouble();
    assertThat(ms.path("weight").asDouble()).isCloseTo(weight, within(1e-9));
    assertThat(ms.path("total").asDouble()).isCloseTo(weight + ms.path("data").asDouble() + ms.path("arch").asDouble(), within(1e-9));
    // images/s count the weight steps' training images over the whole step, architecture step included
    assertThat(j.path("train_images_per_s").asDouble()).isCloseTo(8 * 1000.0 / ms.path("total").asDouble(), within(1e-6));
    assertThat(j.path("space").asText()).isEqualTo("nasbench201");
    assertThat(j.path("batch").asInt()).isEqualTo(8);
    assertThat(j.path("steps").asInt()).isEqualTo(2);
    assertThat(j.path("warmup").asInt()).isEqualTo(1);
    assertThat(j.path("threads").asInt()).isEqualTo(1);
    assertThat(j.path("engine").asText()).startsWith("PyTorch");
    assertThat(j.path("device").asText()).isNotEmpty();
    // six edges of five options, shared by every cell
    assertThat(j.path("arch_params").asLong()).isEqualTo(30);
    return j;
  }

  @Test
  void dartsOnFashionMnistShape() throws Exception {
    JsonNode j = benchJson("--method", "darts", "--space-params", NB201_PARAMS, "--json");
    assertThat(j.path("method").asText()).isEqualTo("darts");
    assertThat(j.path("dataset").asText()).isEqualTo("fashion-mnist");
    // every candidate's weights; bench/peer_supernet.py builds the same count (compare.sh checks it)
    assertThat(j.path("params").asLong()).isEqualTo(100_578);
  }

  @Test
  void proxylessOnCifarShape() throws Exception {
    JsonNode j = benchJson("--method", "proxyless", "--space-params", NB201_PARAMS, "--dataset", "cifar10", "--json");
    assertThat(j.path("method").asText()).isEqualTo("proxyless");
    assertThat(j.path("dataset").asText()).isEqualTo("cifar10");
    assertThat(j.path("params").asLong()).isEqualTo(100_578 + 2 * 9 * 8); // the stem's conv reads 3 channels
  }

  @Test
  void humanReadableByDefault() {
    CliRunner.Result r = bench("--method", "proxyless", "--space-params", NB201_PARAMS);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("images/s", "weight step", "forward", "backward", "optimizer", "architecture step", "peak RSS");
  }

  @Test
  void profileWritesLibtorchsOperatorTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("ops.json");
    CliRunner.Result r = bench("--method", "darts", "--space-params", NB201_PARAMS, "--profile", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(java.nio.file.Files.readString(file)).contains("aten::convolution");
  }

  @Test
  void badInputExitsTwoWithAMessage() {
    CliRunner.Result badMethod = bench("--method", "enas", "--space-params", NB201_PARAMS);
    assertThat(badMethod.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badMethod.err()).contains("jnas: error:", "unknown --method 'enas' (valid: darts, proxyless)");

    CliRunner.Result noMethod = bench("--space-params", NB201_PARAMS);
    assertThat(noMethod.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(noMethod.err()).contains("--method");

    CliRunner.Result badSpace = bench("--method", "darts", "--space", "nope");
    assertThat(badSpace.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badSpace.err()).contains("unknown search space 'nope'");

    CliRunner.Result noSupernet = bench("--method", "darts", "--space", "table");
    assertThat(noSupernet.exitCode()).isEqualTo(Main.BAD_INPUT);

    CliRunner.Result badNumber = bench("--method", "darts", "--batch", "1");
    assertThat(badNumber.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badNumber.err()).contains("--batch");

    CliRunner.Result badDataset = bench("--method", "darts", "--dataset", "mnist");
    assertThat(badDataset.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badDataset.err()).contains("unknown dataset 'mnist'");

    CliRunner.Result badParams = bench("--method", "darts", "--space-params", "{oops");
    assertThat(badParams.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badParams.err()).contains("--space-params");

    CliRunner.Result badProfile = bench("--method", "darts", "--profile", "/nonexistent/dir/p.json");
    assertThat(badProfile.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badProfile.err()).contains("--profile", "/nonexistent/dir");
  }
}
