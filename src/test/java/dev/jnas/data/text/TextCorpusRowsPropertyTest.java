package dev.jnas.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.util.Arrays;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link TextCorpus#rows} over many stream lengths and batch sizes (jqwik, apart from the JUnit tests). */
class TextCorpusRowsPropertyTest {
  @Property(tries = 200)
  void rowsAreTheStreamsPrefixInOrder(@ForAll @IntRange(min = 0, max = 300) int length, @ForAll @IntRange(min = 1, max = 40) int batch) {
    int[] stream = IntStream.range(0, length).map(i -> i * 7 + 1).toArray();
    if (length < 2 * batch) {
      assertThatThrownBy(() -> TextCorpus.rows(stream, batch, "s")).isInstanceOf(BadInputException.class);
      return;
    }
    int[][] r = TextCorpus.rows(stream, batch, "s");
    int len = length / batch;
    assertThat(r.length).isEqualTo(batch);
    int[] flat = Arrays.stream(r).peek(row -> assertThat(row).hasSize(len)).flatMapToInt(Arrays::stream).toArray();
    assertThat(flat).isEqualTo(Arrays.copyOf(stream, batch * len));
    assertThat(length - flat.length).isLessThan(batch);
  }
}
