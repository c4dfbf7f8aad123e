package dev.jnas.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard and the report in a real headless Chromium. */
class DashboardBrowserTest {
  static final String HOSTILE = "<script>alert(1)</script>";
  static final int TRIALS = 12; // every fifth FAILED: 10 complete, 2 failed

  @TempDir static Path tmp;
  static Browser browser;

  @BeforeAll
  static void open() {
    browser = new Browser();
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.close();
    }
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(30));
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser.driver).executeScript(script, args);
  }

  /** Whether the chart in {@code container} drew on a canvas of some size. */
  private static boolean chartDrawn(String container) {
    return Boolean.TRUE.equals(js("const c = document.querySelector('#' + arguments[0] + ' canvas');"
        + " return !!c && c.width > 50 && c.height > 50;", container));
  }

  private static boolean diagramLoaded() {
    return Boolean.TRUE.equals(js("const i = document.getElementById('diagram-image'); return !!i && i.complete && i.naturalWidth > 0;"));
  }

  @Test
  void theExperimentPageShowsTrialsChartsAndADiagramWithoutErrors() throws Exception {
    Path root = tmp.resolve("live");
    WebFixtures.experiment(root.resolve("hostile"), HOSTILE, TRIALS);
    try (Dashboard d = Dashboard.start(Dashboard.Settings.local(root, 0))) {
      browser.consoleErrors();
      browser.driver.get("http://127.0.0.1:" + d.port() + "/experiment?id=hostile");
      waiting().until(x -> x.findElements(By.cssSelector("#trials tbody tr")).size() == TRIALS);
      waiting().until(x -> chartDrawn("chart-best-trials") && chartDrawn("chart-pareto-params") && chartDrawn("chart-curves"));
      waiting().until(x -> diagramLoaded());
      // the hostile name is text: shown as written, nothing ran
      assertThat(browser.driver.findElement(By.id("title")).getText()).contains(HOSTILE);
      assertThat(browser.driver.findElements(By.cssSelector("#title script"))).isEmpty();
      assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
      assertThat(browser.driver.findElements(By.cssSelector("#trials td.error b"))).isEmpty();
      assertThat(browser.driver.findElement(By.id("live")).getText()).contains("live");
      browser.screenshot("dashboard-experiment");

      // sort by reward, highest first
      browser.driver.findElement(By.cssSelector("#trials th[data-key='reward']")).click();
      List<WebElement> rows = browser.driver.findElements(By.cssSelector("#trials tbody tr"));
      String firstId = rows.get(0).getAttribute("data-id");
      Object best = js("return String(window.jnasPage.doc.best_trial);");
      assertThat(firstId).isEqualTo(best);
      // filter by status
      new Select(browser.driver.findElement(By.id("status-filter"))).selectByValue("FAILED");
      assertThat(browser.driver.findElements(By.cssSelector("#trials tbody tr"))).hasSize(2);
      // a row's diagram
      new Select(browser.driver.findElement(By.id("status-filter"))).selectByValue("");
      browser.driver.findElement(By.cssSelector("#trials tbody tr[data-id='3']")).click();
      waiting().until(x -> browser.driver.findElement(By.id("diagram-caption")).getText().startsWith("trial 3"));
      waiting().until(x -> diagramLoaded());

      // live: a trial stored now appears without reloading the page
      WebFixtures.addTrial(root.resolve("hostile"), TRIALS);
      waiting().until(x -> x.findElements(By.cssSelector("#trials tbody tr")).size() == TRIALS + 1);
      assertThat(browser.consoleErrors()).isEmpty();

      // the experiments list
      browser.driver.get("http://127.0.0.1:" + d.port() + "/");
      waiting().until(x -> x.findElements(By.cssSelector("#experiments tbody tr")).size() == 1);
      assertThat(browser.driver.findElement(By.cssSelector("#experiments tbody tr a")).getText()).isEqualTo(HOSTILE);
      browser.screenshot("dashboard-list");
      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  @Test
  void theReportOpensOfflineWithTheSameContent() throws Exception {
    Path dir = WebFixtures.experiment(tmp.resolve("report"), HOSTILE, TRIALS);
    Path report = HtmlReport.write(dir);
    browser.consoleErrors();
    browser.driver.get(report.toUri().toString());
    waiting().until(x -> x.findElements(By.cssSelector("#trials tbody tr")).size() == TRIALS);
    waiting().until(x -> chartDrawn("chart-best-trials") && chartDrawn("chart-pareto-flops"));
    waiting().until(x -> diagramLoaded());
    assertThat(browser.driver.findElements(By.cssSelector("#top tbody tr"))).hasSize(10);
    assertThat(browser.driver.findElement(By.id("title")).getText()).contains(HOSTILE);
    assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(browser.driver.findElement(By.id("config")).getText()).contains("nasbench201");
    assertThat(browser.driver.findElement(By.id("provenance")).getText()).contains("jnas");
    browser.screenshot("report");
    assertThat(browser.consoleErrors()).isEmpty();
    assertThat(Files.size(report)).isGreaterThan(500_000); // ECharts is inside
  }

  @Test
  void oneShotAndPnasSearchesShowTheirOwnCharts() throws Exception {
    Path root = tmp.resolve("kinds");
    WebFixtures.oneShotExperiment(root.resolve("darts"));
    WebFixtures.pnasExperiment(root.resolve("pnas"));
    try (Dashboard d = Dashboard.start(Dashboard.Settings.local(root, 0))) {
      browser.consoleErrors();
      browser.driver.get("http://127.0.0.1:" + d.port() + "/experiment?id=darts");
      waiting().until(x -> chartDrawn("chart-alphas"));
      Select labels = new Select(browser.driver.findElement(By.id("alpha-label")));
      assertThat(labels.getOptions()).extracting(WebElement::getText).containsExactly("edge 1<-0", "edge 2<-0");
      labels.selectByIndex(1);
      assertThat(js("return window.jnasPage.charts.alphas.getOption().series.map(s => s.name).join(',');")).isEqualTo("conv,pool");
      assertThat(js("return window.jnasPage.charts.alphas.getOption().series[1].data[2][1];")).isEqualTo(0.8);
      browser.screenshot("dashboard-one-shot");
      browser.driver.get("http://127.0.0.1:" + d.port() + "/experiment?id=pnas");
      waiting().until(x -> chartDrawn("chart-rho"));
      assertThat(js("return window.jnasPage.charts.rho.getOption().series[1].data[1];")).isEqualTo(0.45);
      assertThat(browser.driver.findElement(By.id("one-shot")).isDisplayed()).isFalse();
      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  @Test
  void aLanguageModelIsShownByItsPerplexity() throws Exception {
    Path dir = WebFixtures.experiment(tmp.resolve("lm"), "lm", 5, "{\"type\":\"training\",\"task\":\"language-model\"}");
    browser.consoleErrors();
    browser.driver.get(HtmlReport.write(dir).toUri().toString());
    waiting().until(x -> x.findElements(By.cssSelector("#trials tbody tr")).size() == 5);
    assertThat(browser.driver.findElement(By.id("meta")).getText()).contains("val perplexity");
    assertThat(browser.driver.findElements(By.cssSelector("#trials th[data-key='val_perplexity']"))).hasSize(1);
    assertThat(js("return window.jnasPage.charts.bestTrials.getOption().yAxis[0].name;")).isEqualTo("best val perplexity");
    assertThat(browser.consoleErrors()).isEmpty();
  }
}
