package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

/** {@code jnas bench train} on tiny networks: valid reports, and bad input exits 2. No timing assertions. */
class BenchTrainCliTest {
  private static final String NB201 = "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|";
  private static final String NB201_PARAMS = "{\"cells_per_stage\":1,\"channels\":8}";

  private static CliRunner.Result bench(String... extra) {
    return CliRunner.runWith(new String[] {"bench", "train", "--batch", "8", "--steps", "3", "--warmup", "1", "--threads", "1"}, extra);
  }

  private static JsonNode benchJson(String... extra) throws Exception {
    CliRunner.Result r = bench(extra);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode j = Json.MAPPER.readTree(r.out());
    for (String f : new String[] {"train_images_per_s", "infer_images_per_s", "peak_rss_mib", "params", "flops"}) {
      assertThat(j.path(f).isNumber()).as(f).isTrue();
      assertThat(j.path(f).asDouble()).as(f).isPositive();
    }
    for (String f : new String[] {"forward", "backward", "optimizer", "data"}) {
      assertThat(j.path("step_ms").path(f).isNumber()).as(f).isTrue();
      assertThat(j.path("step_ms").path(f).asDouble()).as(f).isGreaterThanOrEqualTo(0);
    }
    assertThat(j.path("step_ms").path("forward").asDouble()).isPositive();
    assertThat(j.path("step_ms").path("backward").asDouble()).isPositive();
    assertThat(j.path("batch").asInt()).isEqualTo(8);
    assertThat(j.path("steps").asInt()).isEqualTo(3);
    assertThat(j.path("threads").asInt()).isEqualTo(1);
    assertThat(j.path("engine").asText()).startsWith("PyTorch");
    assertThat(j.path("device").asText()).isNotEmpty();
    return j;
  }

  @Test
  void nasBench201CellOnFashionMnistShape() throws Exception {
    JsonNode j = benchJson("--space", "nasbench201", "--space-params", NB201_PARAMS, "--arch", NB201, "--json");
    assertThat(j.path("space").asText()).isEqualTo("nasbench201");
    assertThat(j.path("arch").asText()).isEqualTo(NB201);
  }

  @Test
  void nasRlMacroOnCifarShape() throws Exception {
    JsonNode j =
        benchJson("--space", "nasrl-macro", "--space-params", "{\"layers\":2,\"filter_sizes\":[3],\"filters\":[8]}",
            "--arch", "3x3x8;3x3x8<0", "--dataset", "cifar10", "--json");
    assertThat(j.path("arch").asText()).isEqualTo("3x3x8;3x3x8<0");
  }

  @Test
  void cellSpace() throws Exception {
    String arch = "normal:0,sep_conv_3x3,1,identity;reduce:0,avg_pool_3x3,1,identity";
    JsonNode j =
        benchJson("--space", "cell", "--space-params", "{\"blocks\":1,\"cells_per_stack\":1,\"filters\":8,\"stacks\":1}",
            "--arch", arch, "--json");
    assertThat(j.path("arch").asText()).isEqualTo(arch);
  }

  @Test
  void humanReadableByDefault() {
    CliRunner.Result r = bench("--space", "nasbench201", "--space-params", NB201_PARAMS, "--arch", NB201);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("images/s", "forward", "backward", "optimizer", "data", "peak RSS");
  }

  @Test
  void profileWritesLibtorchsOperatorTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("ops.json");
    CliRunner.Result r =
        bench("--space", "nasbench201", "--space-params", NB201_PARAMS, "--arch", NB201,
            "--profile", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(java.nio.file.Files.readString(file)).contains("aten::convolution");
  }

  @Test
  void badInputExitsTwoWithAMessage() {
    CliRunner.Result badArch = bench("--space", "nasbench201", "--space-params", NB201_PARAMS, "--arch", "|conv~0|");
    assertThat(badArch.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badArch.err()).contains("jnas: error:", "NAS-Bench-201 cell string");

    CliRunner.Result badSpace = bench("--space", "nope", "--arch", NB201);
    assertThat(badSpace.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badSpace.err()).contains("unknown search space 'nope'");

    CliRunner.Result badFlag = bench("--space", "nasbench201", "--arch", NB201, "--frobnicate");
    assertThat(badFlag.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badFlag.err()).contains("--frobnicate");

    CliRunner.Result badNumber = bench("--space", "nasbench201", "--arch", NB201, "--batch", "1");
    assertThat(badNumber.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badNumber.err()).contains("--batch");

    CliRunner.Result badDataset = bench("--space", "nasbench201", "--arch", NB201, "--dataset", "mnist");
    assertThat(badDataset.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badDataset.err()).contains("unknown dataset 'mnist'");

    CliRunner.Result badProfile = bench("--space", "nasbench201", "--arch", NB201, "--profile", "/nonexistent/dir/p.json");
    assertThat(badProfile.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badProfile.err()).contains("--profile", "/nonexistent/dir");

    CliRunner.Result badParams = bench("--space", "nasbench201", "--space-params", "{oops", "--arch", NB201);
    assertThat(badParams.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badParams.err()).contains("--space-params");

    CliRunner.Result untrainable = bench("--space", "table", "--arch", "x");
    assertThat(untrainable.exitCode()).isEqualTo(Main.BAD_INPUT);

    CliRunner.Result noSub = CliRunner.run("bench");
    assertThat(noSub.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(noSub.err()).contains("missing bench command");
  }
}
