package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import org.junit.jupiter.api.Test;

class BenchTrialsCliTest {
  @Test
  void recordsResidentMemoryAfterEveryTrial() throws Exception {
    var r = CliRunner.run("bench", "trials", "--count", "3", "--images", "40", "--size", "8", "--threads", "1", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertThat(j.path("trials").asInt()).isEqualTo(3);
    assertThat(j.path("completed").asInt()).isEqualTo(3);
    assertThat(j.path("rss_mib")).hasSize(3);
    for (JsonNode v : j.path("rss_mib")) {
      assertThat(v.asDouble()).isPositive();
    }
    // three trials are all warm-up: no slope is reported as if it measured a leak
    assertThat(j.path("slope_mib_per_100_trials").isNull()).isTrue();
    assertThat(j.path("note").asText()).contains("too few trials");
    var text = CliRunner.run("bench", "trials", "--count", "2", "--images", "40", "--size", "8", "--threads", "1");
    assertThat(text.out()).contains("too few trials to judge").doesNotContain("slope over");
  }

  @Test
  void rejectsBadArguments() {
    assertThat(CliRunner.run("bench", "trials", "--count", "1").exitCode()).isEqualTo(2);
    var r = CliRunner.run("bench", "trials", "--space", "nope", "--count", "3");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown search space 'nope'");
  }
}
