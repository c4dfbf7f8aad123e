package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Properties every search space must have. A space's test extends this class and says which
 * space it checks; jqwik runs the inherited properties against it.
 */
public abstract class SearchSpaceContract {

  /** The space under test (a fresh instance is fine). */
  protected abstract SearchSpace space();

  /**
   * True when every grid point is valid and no decision is conditional, so each decision change
   * gives exactly one neighbour.
   */
  protected boolean unconstrained() {
    return true;
  }

  /** Parses a params object for {@link SearchSpaces#create}. */
  protected static JsonNode params(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Decisions active in both that hold different options; a decision that differs while active in
   * only one of them (switched on or off by a change) must count nowhere else, which is checked.
   */
  private static int differences(SearchSpace s, Architecture a, Architecture b) {
    int n = 0;
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        boolean inA = s.isActive(a, i);
        boolean inB = s.isActive(b, i);
        assertThat(inA || inB).as("decision %s differs while inactive in both", s.decisions().get(i).name()).isTrue();
        if (inA && inB) {
          n++;
        }
      }
    }
    return n;
  }

  @Example
  void decisionNamesAreUnique() {
    List<String> names = space().decisions().stream().map(Decision::name).toList();
    assertThat(new HashSet<>(names)).hasSize(names.size());
  }

  @Example
  void sizeIsPositiveAndEnumerationListsValidDistinctArchitectures() {
    SearchSpace s = space();
    assertThat(s.size().signum()).isPositive();
    if (s.isEnumerable()) {
      List<Architecture> first = s.enumerate().limit(2001).toList();
      assertThat(new HashSet<>(first)).hasSize(first.size());
      assertThat(first).allMatch(s::isValid);
      assertThat(first).allMatch(a -> s.canonical(a).equals(a));
      if (first.size() <= 2000) {
        assertThat(s.size()).isEqualTo(java.math.BigInteger.valueOf(first.size()));
      }
    }
  }

  @Property(tries = 50)
  void sampleIsValid(@ForAll long seed) {
    SearchSpace s = space();
    Architecture a = s.sample(Rng.of(seed));
    assertThat(a.space()).isEqualTo(s.name());
    assertThat(s.violation(a)).isEmpty();
    assertThat(s.canonical(a)).isEqualTo(a);
  }

  @Property(tries = 20)
  void sameSeedGivesSameSamples(@ForAll long seed) {
    SearchSpace s = space();
    Rng first = Rng.of(seed);
    Rng second = Rng.of(seed);
    for (int i = 0; i < 5; i++) {
      Architecture a = s.sample(first);
      assertThat(s.sample(second)).isEqualTo(a);
      assertThat(s.mutate(a, first)).isEqualTo(s.mutate(a, second));
    }
  }

  @Property(tries = 50)
  void encodeDecodeRoundTrip(@ForAll long seed) {
    SearchSpace s = space();
    Architecture a = s.sample(Rng.of(seed));
    String text = s.encode(a);
    assertThat(s.decode(text)).isEqualTo(a);
    assertThat(s.encode(s.decode(text))).isEqualTo(text);
  }

  @Property(tries = 30)
  void distinctArchitecturesHaveDistinctStrings(@ForAll long seed) {
    SearchSpace s = space();
    Rng rng = Rng.of(seed);
    Architecture a = s.sample(rng);
    Architecture b = s.mutate(a, rng);
    assertThat(s.encode(b)).isNotEqualTo(s.encode(a));
  }

  @Property(tries = 30)
  void jsonRoundTrip(@ForAll long seed) {
    SearchSpace s = space();
    Architecture a = s.sample(Rng.of(seed));
    ObjectNode json = s.toJson(a);
    assertThat(json.get("space").asText()).isEqualTo(s.name());
    assertThat(s.fromJson(json.deepCopy())).isEqualTo(a);
    // Without the string, the per-decision labels alone must rebuild the architecture.
    ObjectNode decisionsOnly = json.deepCopy();
    decisionsOnly.remove("string");
    assertThat(s.fromJson(decisionsOnly)).isEqualTo(a);
  }

  @Example
  void jsonOfAnotherSpaceIsRejected() {
    SearchSpace s = space();
    ObjectNode json = s.toJson(s.sample(Rng.of(1)));
    json.put("space", "not-" + s.name());
    assertThatThrownBy(() -> s.fromJson(json)).isInstanceOf(BadInputException.class);
  }

  /** Exactly one active decision changes (plus the decisions that change switches on or off). */
  @Property(tries = 50)
  void mutateChangesExactlyOneActiveDecision(@ForAll long seed) {
    SearchSpace s = space();
    Rng rng = Rng.of(seed);
    Architecture a = s.sample(rng);
    Architecture m = s.mutate(a, rng);
    assertThat(s.violation(m)).isEmpty();
    assertThat(s.canonical(m)).isEqualTo(m);
    assertThat(differences(s, a, m)).isEqualTo(1);
    assertThat(s.neighbours(a)).contains(m);
  }

  @Property(tries = 20)
  void neighboursAreValidDistinctAndOneStepAway(@ForAll long seed) {
    SearchSpace s = space();
    Architecture a = s.sample(Rng.of(seed));
    List<Architecture> ns = s.neighbours(a);
    assertThat(new HashSet<>(ns)).hasSize(ns.size());
    for (Architecture n : ns) {
      assertThat(s.violation(n)).isEmpty();
      assertThat(s.canonical(n)).isEqualTo(n);
      assertThat(differences(s, a, n)).isEqualTo(1);
    }
    int grid = s.decisions().stream().mapToInt(d -> d.cardinality() - 1).sum();
    boolean allActive = java.util.stream.IntStream.range(0, a.size()).allMatch(i -> s.isActive(a, i));
    if (unconstrained()) {
      assertThat(ns).hasSize(grid);
    } else if (allActive) {
      // without decisions switched on by a change, each change gives at most one neighbour
      assertThat(ns.size()).isLessThanOrEqualTo(grid);
    }
  }

  // ---- malformed strings ----

  private static final Pattern TOKEN = Pattern.compile("[^,;|~<:/+]+");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  /** Mutilations that can never give a valid string: each must be a BadInputException. */
  @Property(tries = 100)
  void brokenStringsAreRejected(@ForAll long seed) {
    SearchSpace s = space();
    SplittableRandom r = new SplittableRandom(seed);
    String valid = s.encode(s.sample(Rng.of(seed)));
    String broken =
        switch (r.nextInt(5)) {
          case 0 -> insert(valid, r.nextInt(valid.length() + 1), "@");
          case 1 -> replaceOne(valid, TOKEN, r, "conv9");
          case 2 -> replaceOne(valid, NUMBER, r, r.nextBoolean() ? "-1" : "99999999999");
          case 3 -> valid + ";";
          default -> replaceOne(valid, NUMBER, r, "x");
        };
    assertThat(broken).isNotEqualTo(valid);
    Throwable t = catchThrowable(() -> s.decode(broken));
    assertThat(t).as("decoding '%s'", broken).isInstanceOf(BadInputException.class);
    assertThat(t.getMessage()).isNotBlank();
  }

  /**
   * Mutilations that may by chance give another valid string: either a BadInputException, or a
   * valid architecture whose canonical string is exactly the text (decode accepts nothing else).
   */
  @Property(tries = 100)
  void mutilatedStringsAreRejectedOrCanonical(@ForAll long seed) {
    SearchSpace s = space();
    SplittableRandom r = new SplittableRandom(seed);
    String valid = s.encode(s.sample(Rng.of(seed)));
    String text =
        switch (r.nextInt(4)) {
          case 0 -> valid.substring(0, r.nextInt(valid.length()));
          case 1 -> {
            int i = r.nextInt(valid.length());
            yield valid.substring(0, i) + valid.substring(i + 1);
          }
          case 2 -> {
            int i = r.nextInt(valid.length());
            yield valid.substring(0, i) + valid.charAt(i) + valid.substring(i);
          }
          default -> replaceOne(valid, NUMBER, r, Integer.toString(r.nextInt(12)));
        };
    Architecture decoded;
    try {
      decoded = s.decode(text);
    } catch (BadInputException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(s.violation(decoded)).isEmpty();
    assertThat(s.encode(decoded)).isEqualTo(text);
  }

  @Example
  void emptyStringIsRejected() {
    assertThatThrownBy(() -> space().decode("")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> space().decode(null)).isInstanceOf(BadInputException.class);
  }

  private static String insert(String s, int at, String what) {
    return s.substring(0, at) + what + s.substring(at);
  }

  /** Replaces one random match of {@code p} (the string has at least one). */
  private static String replaceOne(String s, Pattern p, SplittableRandom r, String with) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    assertThat(spans).as("'%s' has a part matching %s", s, p).isNotEmpty();
    int[] span = spans.get(r.nextInt(spans.size()));
    return s.substring(0, span[0]) + with + s.substring(span[1]);
  }
}
