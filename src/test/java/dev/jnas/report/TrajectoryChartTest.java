package dev.jnas.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class TrajectoryChartTest {
  private static final List<String> OPS =
      List.of("k3_relu", "k3_leaky_relu", "k3_mish", "k5_relu", "k5_leaky_relu", "k5_mish");

  @TempDir Path dir;

  /** {@code epochs} epochs of softmax rows drifting towards option {@code l % options} for label l. */
  private static List<List<float[]>> trajectories(int epochs, int labels, int options) {
    List<List<float[]>> out = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      List<float[]> epoch = new ArrayList<>();
      for (int l = 0; l < labels; l++) {
        float[] p = new float[options];
        float sum = 0;
        for (int k = 0; k < options; k++) {
          p[k] = (float) Math.exp(k == l % options ? 0.4 * e : 0);
          sum += p[k];
        }
        for (int k = 0; k < options; k++) {
          p[k] /= sum;
        }
        epoch.add(p);
      }
      out.add(epoch);
    }
    return out;
  }

  private static List<String> labels(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("stage4_block" + (i + 1));
    }
    return out;
  }

  @Test
  void writesAPngGridAndAnSvgNamingEveryLabel() throws Exception {
    List<String> labels = labels(6);
    TrajectoryChart.Written w = TrajectoryChart.write(dir, "alphas", labels, OPS, trajectories(12, 6, 6));
    assertThat(w.png()).isEqualTo(dir.resolve("alphas.png")).isRegularFile();
    assertThat(w.svg()).isEqualTo(dir.resolve("alphas.svg")).isRegularFile();

    BufferedImage png = ImageIO.read(w.png().toFile());
    assertThat(png).isNotNull();
    // six panels: 4 columns, 2 rows
    assertThat(png.getWidth()).isEqualTo(4 * TrajectoryChart.PANEL_WIDTH);
    assertThat(png.getHeight()).isEqualTo(2 * TrajectoryChart.PANEL_HEIGHT);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < png.getHeight(); y += 2) {
      for (int x = 0; x < png.getWidth(); x += 2) {
        colours.add(png.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as("lines and text, not a blank image").isGreaterThan(20);

    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // JFreeSVG declares the SVG 1.1 DTD; parse without fetching it
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document svg = f.newDocumentBuilder().parse(w.svg().toFile());
    assertThat(svg.getDocumentElement().getLocalName() == null
            ? svg.getDocumentElement().getTagName() : svg.getDocumentElement().getLocalName())
        .isEqualTo("svg");
    String text = svg.getDocumentElement().getTextContent();
    assertThat(text).contains(labels).contains(OPS).contains("epoch");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("alphas.png", "alphas.svg");
    }
  }

  @Test
  void sixteenBlocksFillFourRowsAndRewritingReplacesTheFiles() throws Exception {
    TrajectoryChart.write(dir, "alphas", labels(2), OPS, trajectories(3, 2, 6));
    TrajectoryChart.Written w = TrajectoryChart.write(dir, "alphas", labels(16), OPS, trajectories(4, 16, 6));
    BufferedImage png = ImageIO.read(w.png().toFile());
    assertThat(png.getWidth()).isEqualTo(4 * TrajectoryChart.PANEL_WIDTH);
    assertThat(png.getHeight()).isEqualTo(4 * TrajectoryChart.PANEL_HEIGHT);
    assertThat(Files.readString(w.svg())).contains("stage4_block16");
  }

  @Test
  void labelsMayHaveTheirOwnOptions() throws Exception {
    List<List<float[]>> p = List.of(
        List.of(new float[] {0.5f, 0.5f}, new float[] {0.2f, 0.3f, 0.5f}),
        List.of(new float[] {0.6f, 0.4f}, new float[] {0.1f, 0.3f, 0.6f}));
    TrajectoryChart.Written w = TrajectoryChart.writePerLabel(
        dir, "cell", List.of("normal_in_2", "normal_op_2"),
        List.of(List.of("0", "1"), List.of("sep_conv_3x3", "max_pool_3x3", "skip_connect")), p);
    BufferedImage png = ImageIO.read(w.png().toFile());
    assertThat(png.getWidth()).isEqualTo(2 * TrajectoryChart.PANEL_WIDTH);
    assertThat(png.getHeight()).isEqualTo(TrajectoryChart.PANEL_HEIGHT);
    assertThat(Files.readString(w.svg())).contains("normal_op_2", "max_pool_3x3");
  }

  @Test
  void raggedOrBadInputIsRejectedWithWhereItIs() {
    List<List<float[]>> ragged = trajectories(3, 2, 6);
    ragged.get(1).set(1, new float[] {0.5f, 0.5f});
    assertThatThrownBy(() -> TrajectoryChart.write(dir, "a", labels(2), OPS, ragged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch 2, label stage4_block2: 2 probabilities, expected 6");
    List<List<float[]>> missing = trajectories(3, 2, 6);
    missing.get(2).remove(0);
    assertThatThrownBy(() -> TrajectoryChart.write(dir, "a", labels(2), OPS, missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch 3 has probabilities for 1 labels, expected 2");
    List<List<float[]>> nan = trajectories(1, 1, 6);
    nan.get(0).get(0)[3] = Float.NaN;
    assertThatThrownBy(() -> TrajectoryChart.write(dir, "a", labels(1), OPS, nan))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch 1, label stage4_block1: probability of k5_relu is NaN");
    assertThatThrownBy(() -> TrajectoryChart.write(dir, "a", labels(1), OPS, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no epochs");
    assertThatThrownBy(() -> TrajectoryChart.write(dir, "../a", labels(1), OPS, trajectories(1, 1, 6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain file name");
    assertThatThrownBy(() -> TrajectoryChart.write(dir, "a", List.of(), OPS, trajectories(1, 1, 6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no labels");
    assertThat(dir.toFile().list()).isEmpty();
  }
}
