package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code jnas bench sample}: seeded, one architecture file per line that parses back, bad input exits 2. */
class BenchSampleCliTest {
  private static final String NB201_PARAMS = "{\"cells_per_stage\":1,\"channels\":16}";

  private static List<JsonNode> sample(String space, String params, int count, long seed) throws Exception {
    List<String> args = new ArrayList<>(List.of("bench", "sample", "--space", space, "--count", Integer.toString(count),
        "--seed", Long.toString(seed)));
    if (params != null) {
      args.addAll(List.of("--space-params", params));
    }
    CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines).hasSize(count);
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines) {
      assertThat(line).startsWith("{").endsWith("}"); // one object per line
      out.add(Json.MAPPER.readTree(line));
    }
    return out;
  }

  @Test
  void theSameSeedPrintsTheSameLines() {
    String[] args = {"bench", "sample", "--space", "nasbench201", "--space-params", NB201_PARAMS, "--count", "8", "--seed", "7"};
    CliRunner.Result first = CliRunner.run(args);
    CliRunner.Result again = CliRunner.run(args);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(again.out()).isEqualTo(first.out());
    args[args.length - 1] = "8";
    assertThat(CliRunner.run(args).out()).isNotEqualTo(first.out());
  }

  @Test
  void linesHaveTheArchitectureFileFormAndDiffer() throws Exception {
    List<JsonNode> lines = sample("nasbench201", NB201_PARAMS, 10, 1);
    for (JsonNode l : lines) {
      assertThat(l.path("space").asText()).isEqualTo("nasbench201");
      assertThat(l.path("params")).isEqualTo(Json.MAPPER.readTree(NB201_PARAMS));
      assertThat(l.path("string").isTextual()).isTrue();
    }
    // 15,625 cells: ten draws are not one cell repeated
    assertThat(new HashSet<>(lines.stream().map(l -> l.path("string").asText()).toList())).hasSizeGreaterThan(5);
    // without params, the line says {} (the space's defaults)
    assertThat(sample("nasbench201", null, 1, 1).get(0).path("params")).isEqualTo(Json.MAPPER.createObjectNode());
  }

  @Test
  void everyLineParsesBackInEveryTrainableSpace() throws Exception {
    String[][] spaces = {
      {"nasbench201", NB201_PARAMS},
      {"nasrl-macro", null},
      {"nasrl-macro", "{\"layers\":4,\"strides\":true}"},
      {"nasrl-macro", "{\"ops\":[\"conv3x3\",\"conv5x5\",\"sep3x3\",\"sep5x5\",\"max3x3\",\"avg3x3\"],\"filters\":[24]}"},
      {"cell", "{\"cells_per_stack\":1,\"filters\":16}"},
      {"cell", "{\"preset\":\"pnas\",\"cells_per_stack\":1}"},
      {"cell", "{\"preset\":\"pnas\",\"progressive\":true}"},
      {"resnet50-scope", "{\"scope\":\"f\",\"blocks\":[1,1,2,1]}"},
      {"graph", null},
      {"graph", "{\"input\":[3,32,32]}"},
    };
    for (String[] sp : spaces) {
      SearchSpace space = SearchSpaces.create(sp[0], sp[1] == null ? null : Json.MAPPER.readTree(sp[1]));
      for (JsonNode l : sample(sp[0], sp[1], 6, 3)) {
        String s = l.path("string").asText();
        assertThat(l.path("space").asText()).isEqualTo(sp[0]);
        assertThat(space.encode(space.decode(s))).as(sp[0] + " " + sp[1]).isEqualTo(s);
      }
    }
  }

  @Test
  void badInputExitsTwoWithOneLine() {
    CliRunner.Result unknown = CliRunner.run("bench", "sample", "--space", "nope", "--count", "3");
    assertThat(unknown.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(unknown.err()).contains("unknown search space 'nope'");
    assertThat(unknown.err().strip().lines()).hasSize(1);
    assertThat(unknown.out()).isEmpty();

    CliRunner.Result malformed = CliRunner.run("bench", "sample", "--space", "nasbench201", "--space-params", "{oops", "--count", "3");
    assertThat(malformed.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(malformed.err()).contains("--space-params");

    CliRunner.Result badValue = CliRunner.run("bench", "sample", "--space", "nasbench201", "--space-params", "{\"channels\":0}", "--count", "3");
    assertThat(badValue.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(badValue.err()).contains("channels");
    assertThat(badValue.out()).isEmpty();

    CliRunner.Result unknownParam = CliRunner.run("bench", "sample", "--space", "cell", "--space-params", "{\"chanels\":8}", "--count", "3");
    assertThat(unknownParam.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(unknownParam.err()).contains("chanels");

    for (String count : new String[] {"0", "-2"}) {
      CliRunner.Result none = CliRunner.run("bench", "sample", "--space", "nasbench201", "--count", count);
      assertThat(none.exitCode()).isEqualTo(Main.BAD_INPUT);
      assertThat(none.err()).contains("--count must be >= 1");
      assertThat(none.err().strip().lines()).hasSize(1);
    }

    CliRunner.Result missing = CliRunner.run("bench", "sample", "--space", "nasbench201");
    assertThat(missing.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err()).contains("--count");

    CliRunner.Result notANumber = CliRunner.run("bench", "sample", "--space", "nasbench201", "--count", "many");
    assertThat(notANumber.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(notANumber.err()).contains("--count");
  }
}
