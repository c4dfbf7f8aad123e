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
  }

  @Test
  void rejectsBadArguments() {
    assertThat(CliRunner.run("bench", "trials", "--count", "1").exitCode()).isEqualTo(2);
    var r = CliRunner.run("bench", "trials", "--space", "nope", "--count", "3");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown search space 'nope'");
  }
}
