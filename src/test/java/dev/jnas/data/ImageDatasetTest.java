package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

  /** A 1x1x1 dataset whose single pixel is the image's index, so images can be traced. */
  static ImageDataset indexed(int n, int classes) {
    byte[] px = new byte[n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      px[i] = (byte) i;
      labels[i] = i % classes;
    }
    return new ImageDataset("indexed", px, labels, 1, 1, 1, classes, new float[] {0f}, new float[] {1f});
  }

  private static Set<Integer> ids(ImageDataset d) {
    Set<Integer> s = new HashSet<>();
    for (int i = 0; i < d.size(); i++) {
      s.add(d.pixel(i, 0, 0, 0));
    }
    return s;
  }

  @Property(tries = 30)
  void splitIsDisjointCompleteAndDeterministic(
      @ForAll @IntRange(min = 1, max = 250) int n,
      @ForAll @DoubleRange(min = 0, max = 0.9) double fraction,
      @ForAll long seed) {
    ImageDataset d = indexed(n, 4);
    ImageDataset.Split a = d.split(fraction, seed);
    ImageDataset.Split b = d.split(fraction, seed);
    assertThat(a.train().size() + a.val().size()).isEqualTo(n);
    Set<Integer> train = ids(a.train());
    Set<Integer> val = ids(a.val());
    assertThat(java.util.Collections.disjoint(train, val)).isTrue();
    assertThat(train.size() + val.size()).isEqualTo(n);
    for (int i = 0; i < a.val().size(); i++) {
      assertThat(b.val().pixel(i, 0, 0, 0)).isEqualTo(a.val().pixel(i, 0, 0, 0));
    }
  }

  @Test
  void splitIsStratifiedAndSeedMatters() {
    ImageDataset d = indexed(200, 4);
    ImageDataset.Split s = d.split(0.1, 1);
    int[] perClass = new int[4];
    for (int i = 0; i < s.val().size(); i++) {
      perClass[s.val().label(i)]++;
    }
    assertThat(perClass).containsOnly(5);
    assertThat(ids(d.split(0.1, 2).val())).isNotEqualTo(ids(s.val()));
  }

  @Test
  void viewsKeepTheParentsNormalisationAndPixels() {
    ImageDataset d = ImageDataset.synthetic(50, 3, 8, 8, 5, 3);
    ImageDataset s = d.subset(new int[] {7, 2});
    assertThat(s.mean()).containsExactly(d.mean());
    assertThat(s.std()).containsExactly(d.std());
    assertThat(s.label(0)).isEqualTo(d.label(7));
    assertThat(s.pixel(1, 2, 5, 3)).isEqualTo(d.pixel(2, 2, 5, 3));
    assertThat(d.slice(10, 20).label(0)).isEqualTo(d.label(10));
    assertThatThrownBy(() -> d.slice(10, 60)).isInstanceOf(BadInputException.class).hasMessageContaining("[10, 60)");
  }

  @Test
  void syntheticIsReproducibleAndUsesEveryClass() {
    ImageDataset a = ImageDataset.synthetic(300, 1, 12, 12, 10, 5);
    ImageDataset b = ImageDataset.synthetic(300, 1, 12, 12, 10, 5);
    Set<Integer> classes = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.label(i)).isEqualTo(b.label(i));
      classes.add(a.label(i));
    }
    assertThat(a.pixel(17, 0, 6, 6)).isEqualTo(b.pixel(17, 0, 6, 6));
    assertThat(classes).hasSize(10);
  }

  @Test
  void rejectsLabelsOutsideTheClasses() {
    assertThatThrownBy(() -> new ImageDataset("x", new byte[2], new int[] {0, 3}, 1, 1, 1, 3, null, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("label of image 1 is 3");
  }

  @Test
  void classNamesDefaultToNumbersAndTravelWithViews() {
    ImageDataset d = indexed(40, 4);
    assertThat(d.classNames()).containsExactly("0", "1", "2", "3");
    ImageDataset named = d.withClassNames(List.of("n", "e", "s", "w"));
    assertThat(named.split(0.25, 1).val().classNames()).containsExactly("n", "e", "s", "w");
    assertThat(named.slice(0, 3).withName("part").classNames()).containsExactly("n", "e", "s", "w");
    assertThat(named.withName("part").name()).isEqualTo("part");
    assertThat(named.pixel(7, 0, 0, 0)).isEqualTo(d.pixel(7, 0, 0, 0));
    assertThatThrownBy(() -> d.withClassNames(List.of("a", "b", "c")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("3 class names");
    assertThatThrownBy(() -> d.withClassNames(List.of("a", "b", "a", "c")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("4 distinct names");
  }
}
