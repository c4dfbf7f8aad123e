package dev.jnas.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html stands alone and cannot be broken out of by what an experiment holds. */
class HtmlReportTest {
  @TempDir Path tmp;

  @Test
  void theReportReferencesNothingOutsideItselfAndCarriesTheWholeDocument() throws Exception {
    Path dir = WebFixtures.experiment(tmp.resolve("e"), "a </script><script>alert(1)</script> name", 12);
    String html = Files.readString(HtmlReport.write(dir));
    // no file or address is loaded: every script and style is inline
    assertThat(html).doesNotContainPattern("<script[^>]+src=").doesNotContainPattern("<link[^>]+stylesheet");
    assertThat(html).contains("<title>a &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; name · jnas report</title>");
    // exactly the four script elements the report writes: the hostile name and the trials' errors end none early
    Matcher open = Pattern.compile("<script").matcher(html);
    int scripts = 0;
    while (open.find()) {
      scripts++;
    }
    assertThat(scripts).isEqualTo(4);
    Matcher data = Pattern.compile("<script type=\"application/json\" id=\"jnas-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
    assertThat(data.find()).isTrue();
    JsonNode doc = Json.MAPPER.readTree(data.group(1));
    assertThat(doc.path("name").asText()).isEqualTo("a </script><script>alert(1)</script> name");
    assertThat(doc.path("trials")).hasSize(12);
    assertThat(doc.path("trials").get(4).path("error").asText()).contains("</script><b>not bold</b>");
    Matcher diagrams = Pattern.compile("<script type=\"application/json\" id=\"jnas-diagrams\">(.*?)</script>", Pattern.DOTALL).matcher(html);
    assertThat(diagrams.find()).isTrue();
    JsonNode svgs = Json.MAPPER.readTree(diagrams.group(1));
    // the top 10 of the 10 complete trials, each an SVG
    assertThat(svgs.size()).isEqualTo(10);
    svgs.fields().forEachRemaining(e -> assertThat(e.getValue().asText()).startsWith("<svg"));
    assertThat(svgs.has(doc.path("best_trial").asText())).isTrue();
  }
}
