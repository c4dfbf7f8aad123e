package dev.jnas.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jnas.util.Rng;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StochasticGrammarTest {
  final StochasticGrammar g = StochasticGrammar.english();

  @Test
  void theEntropyRateMatchesAMonteCarloEstimate() {
    // the mean -log p per token over a long sampled stream converges to the entropy rate
    Rng rng = Rng.of(7);
    double nll = 0;
    long tokens = 0;
    for (int i = 0; i < 30_000; i++) {
      List<String> s = g.sentence(rng);
      nll -= g.logProbability(s);
      tokens += s.size() + 1;
    }
    assertThat(nll / tokens).isCloseTo(g.entropyRate(), within(0.01 * g.entropyRate()));
    assertThat((double) tokens / 30_000 - 1).isCloseTo(g.meanSentenceLength(), within(0.02 * g.meanSentenceLength()));
  }

  @Test
  void logProbabilityIsTheProductOfTheEmissionsAlongThePath() {
    // computed here from the emission table, not through logProbability's own lookup
    List<String> words = List.of("the", "big", "dogs", "near", "a", "cat", "see", "some", "birds");
    double lp = 0;
    int s = g.startState();
    for (String w : words) {
      StochasticGrammar.Emission e = only(g.emissions(s), w);
      lp += Math.log(e.probability());
      s = e.next();
    }
    lp += Math.log(only(g.emissions(s), Vocabulary.EOS).probability());
    assertThat(g.logProbability(words)).isCloseTo(lp, within(1e-12));
    // agreement: a singular verb after the plural subject is impossible, whatever the attractor
    assertThat(g.logProbability(List.of("the", "big", "dogs", "near", "a", "cat", "sees", "some", "birds")))
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(g.logProbability(List.of("a", "dogs", "run"))).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(g.logProbability(List.of("the", "dog"))).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(g.logProbability(List.of("the", "dog", "runs", "<eos>"))).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  private static StochasticGrammar.Emission only(List<StochasticGrammar.Emission> out, String token) {
    List<StochasticGrammar.Emission> m = out.stream().filter(e -> e.token().equals(token)).toList();
    assertThat(m).as("emissions of '%s'", token).hasSize(1);
    return m.get(0);
  }

  @Test
  void everyStateIsUnifilarWithANormalisedDistribution() {
    for (int s = 0; s < g.stateNames().size(); s++) {
      List<StochasticGrammar.Emission> out = g.emissions(s);
      Set<String> tokens = new HashSet<>();
      for (StochasticGrammar.Emission e : out) {
        assertThat(tokens.add(e.token())).as("state %s emits %s once", g.stateNames().get(s), e.token()).isTrue();
        assertThat(e.probability()).isPositive();
        // EOS, and only EOS, starts the next sentence
        assertThat(e.token().equals(Vocabulary.EOS)).isEqualTo(e.next() == g.startState());
      }
      assertThat(out.stream().mapToDouble(StochasticGrammar.Emission::probability).sum()).isCloseTo(1, within(1e-12));
    }
  }

  @Test
  void theStationaryDistributionSumsToOneAndIsStationary() {
    double[] pi = g.stationaryDistribution();
    int n = pi.length;
    assertThat(n).isEqualTo(g.stateNames().size());
    assertThat(java.util.Arrays.stream(pi).sum()).isCloseTo(1, within(1e-12));
    double[] next = new double[n];
    for (int s = 0; s < n; s++) {
      assertThat(pi[s]).isPositive();
      for (StochasticGrammar.Emission e : g.emissions(s)) {
        next[e.next()] += pi[s] * e.probability();
      }
    }
    assertThat(next).containsExactly(pi, within(1e-12));
  }

  @Test
  void aHandGrammarHasItsHandComputedEntropyRate() {
    // start emits a or b (1/2 each), then c with 3/4 or EOS with 1/4: a sentence is 5 tokens on
    // average, one of them from the start state, so pi = (1/5, 4/5)
    StochasticGrammar h =
        new StochasticGrammar.Builder("start")
            .arc("start", "a", 1, "s")
            .arc("start", "b", 1, "s")
            .arc("s", "c", 3, "s")
            .arc("s", Vocabulary.EOS, 1, "start")
            .build();
    double hs = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    assertThat(h.stationaryDistribution()).containsExactly(new double[] {0.2, 0.8}, within(1e-12));
    assertThat(h.entropyRate()).isCloseTo(0.2 * Math.log(2) + 0.8 * hs, within(1e-12));
    assertThat(h.meanSentenceLength()).isCloseTo(4, within(1e-12));
    assertThat(h.vocabulary()).containsExactly("a", "b", "c", Vocabulary.EOS);
  }

  @Test
  void theBuilderRefusesGrammarsThatAreNotUnifilarOrDoNotEnd() {
    assertThatThrownBy(() -> new StochasticGrammar.Builder("start").arc("start", "a", 1, "x").arc("start", "a", 1, "y"))
        .hasMessageContaining("not unifilar");
    // state loop can never emit EOS: its sentences would not end
    assertThatThrownBy(
            () -> new StochasticGrammar.Builder("start")
                .arc("start", "a", 1, "loop")
                .arc("start", Vocabulary.EOS, 1, "start")
                .arc("loop", "b", 1, "loop")
                .build())
        .hasMessageContaining("loop never ends its sentence");
    assertThatThrownBy(
            () -> new StochasticGrammar.Builder("start").arc("start", "a", 1, "start").build())
        .hasMessageContaining("only EOS");
  }

  @Test
  void theBuiltInGrammarIsSmallWithAModestFloorAndSentenceLength() {
    assertThat(g.vocabulary()).hasSizeBetween(30, 50).contains(Vocabulary.EOS).doesNotHaveDuplicates();
    assertThat(g.perplexityFloor()).isBetween(3.0, 8.0).isCloseTo(Math.exp(g.entropyRate()), within(1e-12));
    assertThat(g.meanSentenceLength() + 1).isBetween(6.0, 10.0);
  }

  static final Set<String> SINGULAR_NOUNS = Set.of("dog", "cat", "man", "woman", "child", "bird", "teacher", "farmer");
  static final Set<String> PLURAL_NOUNS = Set.of("dogs", "cats", "men", "women", "children", "birds", "teachers", "farmers");
  static final Set<String> SINGULAR_VERBS = Set.of("sees", "likes", "chases", "finds", "sleeps", "runs", "waits");
  static final Set<String> PLURAL_VERBS = Set.of("see", "like", "chase", "find", "sleep", "run", "wait");

  @Test
  void verbsAgreeWithTheSubjectAcrossAttractors() {
    SplittableRandom rng = new SplittableRandom(3);
    int attracted = 0;
    for (int i = 0; i < 5000; i++) {
      List<String> s = g.sentence(rng);
      Boolean subject = null;
      Boolean last = null;
      for (String w : s) {
        if (SINGULAR_NOUNS.contains(w) || PLURAL_NOUNS.contains(w)) {
          last = SINGULAR_NOUNS.contains(w);
          subject = subject == null ? last : subject;
        }
        if (SINGULAR_VERBS.contains(w) || PLURAL_VERBS.contains(w)) {
          assertThat(SINGULAR_VERBS.contains(w)).as("verb of '%s'", String.join(" ", s)).isEqualTo(subject);
          attracted += last != subject ? 1 : 0;
          break;
        }
      }
    }
    // the nearest noun has the other number often enough that a model cannot rely on it
    assertThat(attracted).isGreaterThan(250);
  }

  @Test
  void theSameSeedGivesTheSameSentences() {
    Rng a = Rng.of(11);
    Rng b = Rng.of(11);
    for (int i = 0; i < 100; i++) {
      assertThat(g.sentence(a)).isEqualTo(g.sentence(b));
    }
  }
}
