package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jnas serve} and {@code jnas report} as a user runs them. */
class ServeCliTest {
  @TempDir Path dir;

  private Path search(String name) throws Exception {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, TinyTrainingConfig.yaml(name, 3, "{train: 300, test: 100, size: 8, classes: 3, channels: 1}",
        "{batch_size: 50, learning_rate: 0.1}", "{max_trials: 3, epochs: 1}", "{retrain: false}"));
    Path out = dir.resolve("experiments").resolve(name);
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    return out;
  }

  @Test
  void everyFinishedSearchWritesItsReportAndReportWritesItAgain() throws Exception {
    Path out = search("reported");
    Path report = out.resolve("report.html");
    assertThat(report).isRegularFile();
    assertThat(Files.readString(report)).contains("\"name\":\"reported\"").contains("data-page=\"report\"");
    Files.delete(report);
    var r = CliRunner.run("report", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("report.html");
    assertThat(report).isRegularFile();
  }

  @Test
  void badInputIsRefusedWithAMessageAndExitTwo() throws Exception {
    Path out = search("kept");
    byte[] before = Files.readAllBytes(out.resolve("experiment.db"));
    var exposed = CliRunner.run("serve", "--root", dir.resolve("experiments").toString(), "--host", "0.0.0.0", "--port", "0");
    assertThat(exposed.exitCode()).isEqualTo(2);
    assertThat(exposed.err()).contains("--host 0.0.0.0").contains("--token");
    var missing = CliRunner.run("serve", dir.resolve("nothing-here").toString(), "--port", "0");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("nothing-here").contains("not an experiment folder");
    var both = CliRunner.run("serve", out.toString(), "--root", dir.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    var port = CliRunner.run("serve", out.toString(), "--port", "70000");
    assertThat(port.exitCode()).isEqualTo(2);
    assertThat(port.err()).contains("--port 70000");
    try (var taken = dev.jnas.web.Dashboard.start(dev.jnas.web.Dashboard.Settings.local(dir.resolve("experiments"), 0))) {
      var busy = CliRunner.run("serve", out.toString(), "--port", "" + taken.port());
      assertThat(busy.exitCode()).isEqualTo(2);
      assertThat(busy.err()).contains("cannot listen on 127.0.0.1:" + taken.port()).contains("--port 0");
    }
    var report = CliRunner.run("report", dir.resolve("nothing-here").toString());
    assertThat(report.exitCode()).isEqualTo(2);
    assertThat(report.err()).contains("nothing-here");
    assertThat(Files.readAllBytes(out.resolve("experiment.db"))).isEqualTo(before);
  }

  @Test
  void theReadmeCommandServesTheExperimentsFolder() throws Exception {
    search("watched");
    Path log = dir.resolve("serve.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.jnas.cli.Main",
        "serve", "--port", "0"));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");
      Matcher m = null;
      for (int i = 0; i < 300 && (m == null || !m.find()); i++) {
        Thread.sleep(100);
        assertThat(p.isAlive()).as(Files.exists(log) ? Files.readString(log) : "").isTrue();
        m = url.matcher(Files.exists(log) ? Files.readString(log) : "");
      }
      assertThat(m.find(0)).as(Files.readString(log)).isTrue();
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/api/experiments")).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode list = Json.MAPPER.readTree(r.body());
      assertThat(list).hasSize(1);
      assertThat(list.get(0).path("name").asText()).isEqualTo("watched");
      assertThat(list.get(0).path("status").asText()).isEqualTo("FINISHED");
    } finally {
      p.destroy();
      p.waitFor();
    }
  }
}
