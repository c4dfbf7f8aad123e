package dev.jnas.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

/** Element-wise closeness of float arrays, for two computations of the same function. */
public final class Closeness {
  private Closeness() {}

  /** Same number of arrays, each element within {@code tolerance * (1 + |expected|)}. */
  public static void assertAllClose(List<float[]> actual, List<float[]> expected, float tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      float[] a = actual.get(i);
      float[] b = expected.get(i);
      assertThat(a).hasSameSizeAs(b);
      for (int j = 0; j < a.length; j++) {
        assertThat(a[j]).as("array %d, element %d", i, j).isCloseTo(b[j], within(tolerance * (1 + Math.abs(b[j]))));
      }
    }
  }
}
