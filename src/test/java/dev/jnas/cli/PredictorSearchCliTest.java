package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strategy: predictor} as a user runs it: on the NAS-Bench-201 table, extended, and with bad parameters. */
class PredictorSearchCliTest {
  @TempDir Path dir;

  private Path config(String strategy, int trials) throws Exception {
    Path cfg = dir.resolve("c-" + trials + ".yaml");
    Files.writeString(cfg, TabularSearchCliTest.config(strategy, trials, 0));
    return cfg;
  }

  private JsonNode trials(Path out) throws Exception {
    var show = CliRunner.run("show", out.toString(), "--json");
    assertThat(show.exitCode()).as(show.err()).isZero();
    return Json.MAPPER.readTree(show.out()).path("trials");
  }

  @Test
  void picksBetterCellsThanRandomAndAnExtendedRunContinuesAsAnUninterruptedOne() throws Exception {
    assertThat(TabularSearchCliTest.NB201).as("NAS-Bench-201 table in ../shared").isRegularFile();
    String strategy = "{name: predictor, params: {steps: 100}}";
    Path whole = dir.resolve("whole");
    var r = CliRunner.run("search", "-c", config(strategy, 60).toString(), "-o", whole.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    // the first 20 trials are random; the predictor's picks after them are far better on average
    JsonNode all = trials(whole);
    double random = 0;
    double chosen = 0;
    for (int i = 0; i < 60; i++) {
      double v = all.get(i).path("metrics").path("val_accuracy").asDouble();
      if (i < 20) {
        random += v / 20;
      } else {
        chosen += v / 40;
      }
    }
    assertThat(chosen).isGreaterThan(random + 5);

    Path part = dir.resolve("part");
    assertThat(CliRunner.run("search", "-c", config(strategy, 35).toString(), "-o", part.toString(), "--quiet").exitCode())
        .isZero();
    JsonNode before = trials(part);
    var more = CliRunner.run("resume", part.toString(), "--quiet", "--extend", "trials=25");
    assertThat(more.exitCode()).as(more.err()).isZero();
    JsonNode a = trials(whole);
    JsonNode b = trials(part);
    assertThat(b).hasSize(60);
    for (int i = 0; i < 35; i++) {
      assertThat(before.get(i).path("architecture")).as("before resume, trial %d", i).isEqualTo(a.get(i).path("architecture"));
    }
    assertSameArchitectures(b, a, 60);
  }

  /** The first {@code n} trials of {@code actual} have the architectures of {@code expected}'s, in order. */
  private static void assertSameArchitectures(JsonNode actual, JsonNode expected, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(actual.get(i).path("architecture")).as("trial %d", i).isEqualTo(expected.get(i).path("architecture"));
    }
  }

  /** The stored config's strategy parameters set to {@code params} (what another jnas version would have stored). */
  private static void storeStrategyParams(Path exp, String params) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + exp.resolve("experiment.db"))) {
      String config;
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT config FROM experiment")) {
        assertThat(rs.next()).isTrue();
        config = rs.getString(1);
      }
      ObjectNode node = (ObjectNode) Json.MAPPER.readTree(config);
      ((ObjectNode) node.get("strategy")).set("params", Json.MAPPER.readTree(params));
      try (var ps = c.prepareStatement("UPDATE experiment SET config = ?")) {
        ps.setString(1, node.toString());
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
  }

  /**
   * An experiment begun by a jnas whose predictor defaults were others (the config names only
   * {@code steps}; the search ran with target raw and no exhaustion or restarts, as before
   * 2026-12-04) continues with the parameters it ran with, trial for trial as an uninterrupted run
   * with those parameters; a parameter the config sets is never overridden.
   */
  @Test
  void anExperimentBegunUnderOtherDefaultsContinuesWithThem() throws Exception {
    assertThat(TabularSearchCliTest.NB201).as("NAS-Bench-201 table in ../shared").isRegularFile();
    String old = "{steps: 100, target: raw, exhaust_after: 0, restart_after: 0}";
    Path whole = dir.resolve("whole");
    var r = CliRunner.run("search", "-c", config("{name: predictor, params: " + old + "}", 50).toString(), "-o", whole.toString(),
        "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path part = dir.resolve("part");
    assertThat(CliRunner.run("search", "-c", config("{name: predictor, params: " + old + "}", 30).toString(), "-o",
        part.toString(), "--quiet").exitCode()).isZero();
    storeStrategyParams(part, "{\"steps\": 100}");

    var more = CliRunner.run("resume", part.toString(), "--quiet", "--extend", "trials=20");
    assertThat(more.exitCode()).as(more.err()).isZero();
    JsonNode a = trials(whole);
    JsonNode b = trials(part);
    assertThat(b).hasSize(50);
    assertSameArchitectures(b, a, 50);
    // today's defaults would have picked other cells after the 20 random ones
    Path today = dir.resolve("today");
    assertThat(CliRunner.run("search", "-c", config("{name: predictor, params: {steps: 100}}", 50).toString(), "-o",
        today.toString(), "--quiet").exitCode()).isZero();
    JsonNode t = trials(today);
    boolean differs = false;
    for (int i = 20; i < 50; i++) {
      differs |= !t.get(i).path("architecture").equals(a.get(i).path("architecture"));
    }
    assertThat(differs).as("today's defaults search differently: the test shows the pinning").isTrue();

    // a parameter the config sets is the user's: a snapshot that disagrees is refused, nothing changes
    storeStrategyParams(part, "{\"steps\": 100, \"target\": \"log\"}");
    var refused = CliRunner.run("resume", part.toString(), "--quiet", "--extend", "trials=5");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("snapshot was taken with parameters").contains("\"target\":\"raw\"");
    assertThat(trials(part)).hasSize(50);
  }

  @Test
  void badParametersAreRefusedByName() throws Exception {
    var r = CliRunner.run("search", "-c", config("{name: predictor, params: {acquisition: best}}", 10).toString(),
        "-o", dir.resolve("x").toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("acquisition").contains("greedy, ucb, ei, its");
    assertThat(dir.resolve("x").resolve("experiment.db")).doesNotExist();
  }
}
