package dev.jnas.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard over HTTP: what it serves, what it refuses, and that it only reads. */
class DashboardTest {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(Dashboard d, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheExperimentsUnderItsRootAndTheirDocuments() throws Exception {
    Path root = tmp.resolve("exps");
    WebFixtures.experiment(root.resolve("a"), "first", 6);
    WebFixtures.experiment(root.resolve("group/b"), "second", 3);
    try (Dashboard d = Dashboard.start(Dashboard.Settings.local(root, 0))) {
      JsonNode list = Json.MAPPER.readTree(get(d, "/api/experiments").body());
      assertThat(list).hasSize(2);
      assertThat(list.get(0).path("id").asText()).isEqualTo("a");
      assertThat(list.get(0).path("trials").asInt()).isEqualTo(6);
      assertThat(list.get(1).path("id").asText()).isEqualTo("group/b");
      JsonNode doc = Json.MAPPER.readTree(get(d, "/api/experiment?id=group/b").body());
      assertThat(doc.path("name").asText()).isEqualTo("second");
      assertThat(doc.path("trials")).hasSize(3);
      HttpResponse<String> svg = get(d, "/api/diagram?id=a&trial=2");
      assertThat(svg.statusCode()).isEqualTo(200);
      assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
      assertThat(svg.body()).startsWith("<svg");
      assertThat(get(d, "/").body()).contains("data-page=\"list\"");
      assertThat(get(d, "/assets/app.js").body()).contains("ExperimentPage");
      assertThat(get(d, "/assets/echarts.min.js").body()).contains("echarts");
      assertThat(get(d, "/api/diagram?id=a&trial=99").statusCode()).isEqualTo(404);
      // the list is read again when an experiment changes
      WebFixtures.addTrial(root.resolve("a"), 6);
      assertThat(Json.MAPPER.readTree(get(d, "/api/experiments").body()).get(0).path("trials").asInt()).isEqualTo(7);
      assertThat(get(d, "/api/diagram?id=a&trial=x").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void pathsOutsideTheServedRootsAreRefused() throws Exception {
    Path root = tmp.resolve("exps");
    WebFixtures.experiment(root.resolve("a"), "first", 3);
    WebFixtures.experiment(tmp.resolve("outside"), "secret-experiment", 3);
    Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET");
    try (Dashboard d = Dashboard.start(Dashboard.Settings.local(root, 0))) {
      for (String path : List.of(
          "/api/experiment?id=../outside", "/api/experiment?id=..%2Foutside", "/api/experiment?id=" + tmp.resolve("outside"),
          "/api/experiment?id=a/../../outside", "/api/diagram?id=../outside&trial=1", "/api/events?id=../outside",
          "/assets/..%2F..%2Fsecret.txt", "/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
          "/../secret.txt", "/api/experiment")) {
        HttpResponse<String> r = get(d, path);
        assertThat(r.body()).as(path).doesNotContain("TOP-SECRET").doesNotContain("secret-experiment");
        if (!path.startsWith("/api/events")) {
          assertThat(r.statusCode()).as(path).isBetween(400, 499);
        }
      }
      assertThat(get(d, "/api/experiments").body()).doesNotContain("secret-experiment");
    }
  }

  @Test
  void aTokenIsNeededByEveryRequestWhenSet() throws Exception {
    Path root = tmp.resolve("exps");
    WebFixtures.experiment(root.resolve("a"), "first", 3);
    String token = "0123456789abcdef0123";
    try (Dashboard d = Dashboard.start(new Dashboard.Settings(root, true, "127.0.0.1", 0, token))) {
      for (String path : List.of("/", "/experiment?id=a", "/api/experiments", "/api/experiment?id=a", "/api/diagram?id=a&trial=0",
          "/assets/app.js", "/api/events?id=a", "/nothing")) {
        assertThat(get(d, path).statusCode()).as(path).isEqualTo(401);
        assertThat(get(d, path, "Authorization", "Bearer wrong-token-0123456789").statusCode()).as(path).isEqualTo(401);
      }
      assertThat(get(d, "/api/experiments", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
      HttpResponse<String> first = get(d, "/?token=" + token);
      assertThat(first.statusCode()).isEqualTo(200);
      String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
      assertThat(get(d, "/api/experiment?id=a", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anExposedServerWithoutATokenDoesNotStart() {
    Path root = tmp.resolve("exps");
    WebFixtures.experiment(root.resolve("a"), "first", 1);
    assertThatThrownBy(() -> new Dashboard.Settings(root, true, "0.0.0.0", 0, null))
        .isInstanceOf(BadInputException.class).hasMessageContaining("--token");
    assertThatThrownBy(() -> new Dashboard.Settings(root, true, "127.0.0.1", 0, "short"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("16-256");
  }

  @Test
  void nothingWritesTheExperiment() throws Exception {
    Path root = tmp.resolve("exps");
    Path a = WebFixtures.experiment(root.resolve("a"), "first", 4);
    byte[] before = Files.readAllBytes(a.resolve("experiment.db"));
    try (Dashboard d = Dashboard.start(Dashboard.Settings.local(root, 0))) {
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/api/experiment?id=a"))
            .method(method, HttpRequest.BodyPublishers.ofString("{\"status\":\"FAILED\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method).isBetween(400, 499);
      }
      get(d, "/api/experiment?id=a");
      get(d, "/api/diagram?id=a&trial=1");
    }
    assertThat(Files.readAllBytes(a.resolve("experiment.db"))).isEqualTo(before);
  }

  @Test
  void pagesHearOfNewTrialsOverServerSentEvents() throws Exception {
    Path root = tmp.resolve("exps");
    Path a = WebFixtures.experiment(root.resolve("a"), "first", 2);
    try (Dashboard d = Dashboard.start(Dashboard.Settings.local(root, 0))) {
      HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/api/events?id=a"))
          .header("Accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
      CompletableFuture<Boolean> updated = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("event: update")) {
              return true;
            }
          }
          return false;
        } catch (java.io.IOException e) {
          return false;
        }
      });
      assertThat(readUntilHello(updated)).isFalse(); // nothing changed yet
      WebFixtures.addTrial(a, 2);
      assertThat(updated.get(20, TimeUnit.SECONDS)).isTrue();
      JsonNode doc = Json.MAPPER.readTree(get(d, "/api/experiment?id=a").body());
      assertThat(doc.path("trials")).hasSize(3);
      r.body().close();
    }
  }

  /** Waits a little for an update that must not come; true when one came anyway. */
  private static boolean readUntilHello(CompletableFuture<Boolean> updated) throws Exception {
    try {
      return updated.get(2500, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }
}
