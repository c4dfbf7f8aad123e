package dev.jnas.data.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * A probabilistic finite-state grammar whose next state is a function of the state and the token it
 * emits ("unifilar"). The state is then known from the tokens seen since the start, so the entropy
 * rate of the token process, hence the best perplexity any model can reach, is computable exactly:
 * no model of the text can know more than the state.
 *
 * <p>A sentence starts in the start state and ends when {@link Vocabulary#EOS} is emitted, which
 * leads back to the start state; no other token does. Every state can reach the start state again
 * and is reachable from it, so a sentence ends with probability 1 and the state chain has one
 * stationary distribution.
 */
public final class StochasticGrammar {
  /** One way out of a state: emit {@code token} with {@code probability}, move to state {@code next}. */
  record Emission(String token, double probability, int next) {}

  private final List<String> stateNames;
  private final List<List<Emission>> emissions;
  /** Per state: token -> its emission, for scoring text. */
  private final List<Map<String, Emission>> byToken;
  private final int start;
  private final List<String> vocabulary;
  private final double[] stationary;
  private final double entropyRate;

  private StochasticGrammar(List<String> stateNames, List<List<Emission>> emissions, int start) {
    this.stateNames = List.copyOf(stateNames);
    this.emissions = emissions.stream().map(List::copyOf).toList();
    this.start = start;
    List<Map<String, Emission>> maps = new ArrayList<>();
    Set<String> words = new LinkedHashSet<>();
    for (List<Emission> out : this.emissions) {
      Map<String, Emission> m = new HashMap<>();
      for (Emission e : out) {
        m.put(e.token(), e);
        words.add(e.token());
      }
      maps.add(m);
    }
    this.byToken = List.copyOf(maps);
    this.vocabulary = List.copyOf(words);
    this.stationary = solveStationary();
    double h = 0;
    for (int s = 0; s < stationary.length; s++) {
      h += stationary[s] * emissionEntropy(s);
    }
    this.entropyRate = h;
  }

  /**
   * The built-in grammar: English-like sentences of 48 words in which the verb agrees in number
   * with its subject, and the subject's number must be carried across the subject's adjectives and
   * any number of prepositional phrases whose own nouns have either number ("the dog near the cats
   * sees ..."), so a model needs memory to reach the floor:
   *
   * <pre>
   * S     = DET ADJ* NOUN (PREP DET ADJ* NOUN)* (VERB_T DET ADJ* NOUN | VERB_I) ADV? EOS
   * DET   = the (either number) | a, this (singular) | these, some (plural)
   * VERB  = singular after a singular subject noun, plural after a plural one
   * </pre>
   *
   * Words within a class are drawn with Zipf-like weights (1, 1/2, 1/3, ...), so frequencies differ
   * as in real text.
   */
  public static StochasticGrammar english() {
    return ENGLISH;
  }

  /** Every word the grammar can emit, {@link Vocabulary#EOS} included. */
  public List<String> vocabulary() {
    return vocabulary;
  }

  /** One sentence's words (without {@link Vocabulary#EOS}), drawn with {@code rng}. */
  public List<String> sentence(RandomGenerator rng) {
    List<String> words = new ArrayList<>();
    int s = start;
    while (true) {
      Emission e = draw(emissions.get(s), rng.nextDouble());
      if (e.token().equals(Vocabulary.EOS)) {
        return words;
      }
      words.add(e.token());
      s = e.next();
    }
  }

  /**
   * The natural log of the probability that a sentence is {@code words} (then {@link
   * Vocabulary#EOS}): the sum of the log probabilities of its tokens, EOS included; negative
   * infinity when the grammar cannot emit it.
   */
  public double logProbability(List<String> words) {
    double lp = 0;
    int s = start;
    for (String w : words) {
      Emission e = byToken.get(s).get(w);
      if (e == null || w.equals(Vocabulary.EOS)) {
        return Double.NEGATIVE_INFINITY;
      }
      lp += Math.log(e.probability());
      s = e.next();
    }
    Emission end = byToken.get(s).get(Vocabulary.EOS);
    return end == null ? Double.NEGATIVE_INFINITY : lp + Math.log(end.probability());
  }

  /**
   * Exact entropy rate of the infinite token stream sentence EOS sentence EOS ... in nats per
   * token (EOS counts as a token): the sum over states of their stationary probability times the
   * entropy of their emission distribution.
   */
  public double entropyRate() {
    return entropyRate;
  }

  /** {@code exp(entropyRate())}: the lowest per-token perplexity any model can have on the stream. */
  public double perplexityFloor() {
    return Math.exp(entropyRate);
  }

  /**
   * The exact expected number of words in a sentence, EOS not counted. The start state is visited
   * once per sentence (EOS, and only EOS, leads to it), so a sentence is 1 / stationary(start)
   * tokens long on average, EOS included.
   */
  public double meanSentenceLength() {
    return 1 / stationary[start] - 1;
  }

  List<String> stateNames() {
    return stateNames;
  }

  int startState() {
    return start;
  }

  List<Emission> emissions(int state) {
    return emissions.get(state);
  }

  /** The stationary distribution of the state chain, indexed like {@link #stateNames()} (a copy). */
  double[] stationaryDistribution() {
    return stationary.clone();
  }

  /** The entropy of a state's emission distribution, in nats. */
  double emissionEntropy(int state) {
    double h = 0;
    for (Emission e : emissions.get(state)) {
      h -= e.probability() * Math.log(e.probability());
    }
    return h;
  }

  private static Emission draw(List<Emission> out, double u) {
    double c = 0;
    for (Emission e : out) {
      c += e.probability();
      if (u < c) {
        return e;
      }
    }
    return out.get(out.size() - 1); // u within rounding of 1
  }

  /**
   * Solves pi P = pi, sum(pi) = 1 for the state chain's transition matrix P: the system (P^T - I)
   * pi = 0 is singular by one rank, so one of its equations is replaced by the normalisation.
   */
  private double[] solveStationary() {
    int n = stateNames.size();
    RealMatrix a = new Array2DRowRealMatrix(n, n);
    for (int s = 0; s < n; s++) {
      for (Emission e : emissions.get(s)) {
        a.addToEntry(e.next(), s, e.probability());
      }
      a.addToEntry(s, s, -1);
    }
    for (int s = 0; s < n; s++) {
      a.setEntry(n - 1, s, 1);
    }
    RealVector b = new ArrayRealVector(n);
    b.setEntry(n - 1, 1);
    double[] pi = new LUDecomposition(a).getSolver().solve(b).toArray();
    for (int s = 0; s < n; s++) {
      if (!(pi[s] > 0)) {
        throw new IllegalStateException("stationary probability of state " + stateNames.get(s) + " is " + pi[s]);
      }
    }
    return pi;
  }

  /**
   * Builds a grammar from weighted arcs; weights are normalised per state. Checks that it is
   * unifilar (no state emits a token twice), that EOS and only EOS leads to the start state, and
   * that every state is reachable from the start and can reach it again.
   */
  static final class Builder {
    private record Arc(String token, double weight, String to) {}

    private final String start;
    private final Map<String, List<Arc>> arcs = new LinkedHashMap<>();

    Builder(String start) {
      this.start = start;
      arcs.put(start, new ArrayList<>());
    }

    Builder arc(String from, String token, double weight, String to) {
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(from + " --" + token + "--> " + to + ": weight " + weight);
      }
      List<Arc> out = arcs.computeIfAbsent(from, k -> new ArrayList<>());
      for (Arc a : out) {
        if (a.token().equals(token)) {
          throw new IllegalArgumentException(
              "not unifilar: state " + from + " emits '" + token + "' twice (to " + a.to() + " and " + to + ")");
        }
      }
      out.add(new Arc(token, weight, to));
      return this;
    }

    /** One arc per word, with the words' relative weights scaled to {@code total}. */
    Builder arcs(String from, List<String> words, double[] relative, double total, String to) {
      double sum = 0;
      for (int i = 0; i < words.size(); i++) {
        sum += relative[i];
      }
      for (int i = 0; i < words.size(); i++) {
        arc(from, words.get(i), total * relative[i] / sum, to);
      }
      return this;
    }

    StochasticGrammar build() {
      for (List<Arc> out : arcs.values()) {
        for (Arc a : out) {
          if (!arcs.containsKey(a.to())) {
            throw new IllegalArgumentException("state " + a.to() + " is entered but emits nothing");
          }
          if (a.token().equals(Vocabulary.EOS) != a.to().equals(start)) {
            throw new IllegalArgumentException(
                "EOS, and only EOS, must lead to the start state " + start + ": " + a.token() + " leads to " + a.to());
          }
        }
      }
      List<String> names = new ArrayList<>(arcs.keySet());
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        index.put(names.get(i), i);
      }
      List<List<Emission>> emissions = new ArrayList<>();
      for (String s : names) {
        double sum = arcs.get(s).stream().mapToDouble(Arc::weight).sum();
        emissions.add(arcs.get(s).stream().map(a -> new Emission(a.token(), a.weight() / sum, index.get(a.to()))).toList());
      }
      checkConnected(names, emissions, index.get(start));
      return new StochasticGrammar(names, emissions, index.get(start));
    }

    /** Every state reachable from the start, and the start reachable from every state. */
    private static void checkConnected(List<String> names, List<List<Emission>> emissions, int start) {
      int n = names.size();
      List<List<Integer>> forward = new ArrayList<>();
      List<List<Integer>> backward = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        forward.add(new ArrayList<>());
        backward.add(new ArrayList<>());
      }
      for (int s = 0; s < n; s++) {
        for (Emission e : emissions.get(s)) {
          forward.get(s).add(e.next());
          backward.get(e.next()).add(s);
        }
      }
      for (List<List<Integer>> graph : List.of(forward, backward)) {
        boolean[] seen = new boolean[n];
        Deque<Integer> todo = new ArrayDeque<>(List.of(start));
        seen[start] = true;
        while (!todo.isEmpty()) {
          for (int t : graph.get(todo.pop())) {
            if (!seen[t]) {
              seen[t] = true;
              todo.push(t);
            }
          }
        }
        for (int s = 0; s < n; s++) {
          if (!seen[s]) {
            throw new IllegalArgumentException(
                "state " + names.get(s) + (graph == forward ? " cannot be reached from the start" : " never ends its sentence"));
          }
        }
      }
    }
  }

  private static final List<String> ADJECTIVES = List.of("big", "small", "young", "red", "happy", "lazy");
  private static final List<String> NOUNS_SG =
      List.of("dog", "cat", "man", "woman", "child", "bird", "teacher", "farmer");
  private static final List<String> NOUNS_PL =
      List.of("dogs", "cats", "men", "women", "children", "birds", "teachers", "farmers");
  private static final List<String> PREPOSITIONS = List.of("near", "with", "behind", "beside");
  private static final List<String> TRANSITIVE_SG = List.of("sees", "likes", "chases", "finds");
  private static final List<String> TRANSITIVE_PL = List.of("see", "like", "chase", "find");
  private static final List<String> INTRANSITIVE_SG = List.of("sleeps", "runs", "waits");
  private static final List<String> INTRANSITIVE_PL = List.of("sleep", "run", "wait");
  private static final List<String> ADVERBS = List.of("today", "again");
  /** Declared after the word lists, which its construction reads. */
  private static final StochasticGrammar ENGLISH = buildEnglish();

  /** Zipf-like relative weights 1, 1/2, 1/3, ... for {@code n} words. */
  private static double[] zipf(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 1.0 / (i + 1);
    }
    return w;
  }

  private static StochasticGrammar buildEnglish() {
    Builder b = new Builder("start");
    nounPhrase(b, "start", "subject", 0.35, "head.sg", "head.pl");
    for (String n : List.of("sg", "pl")) {
      boolean sg = n.equals("sg");
      String subject = "head." + n;
      // the state remembers the subject's number through every prepositional phrase
      b.arcs(subject, PREPOSITIONS, zipf(PREPOSITIONS.size()), 0.3, "pp." + n);
      b.arcs(subject, sg ? TRANSITIVE_SG : TRANSITIVE_PL, zipf(4), 0.45, "verb");
      b.arcs(subject, sg ? INTRANSITIVE_SG : INTRANSITIVE_PL, zipf(3), 0.25, "end");
      nounPhrase(b, "pp." + n, "pp." + n, 0.2, subject, subject);
    }
    nounPhrase(b, "verb", "object", 0.3, "end", "end");
    b.arc("end", Vocabulary.EOS, 0.7, "start");
    b.arcs("end", ADVERBS, zipf(2), 0.3, "adverb");
    b.arc("adverb", Vocabulary.EOS, 1, "start");
    return b.build();
  }

  /**
   * DET ADJ* NOUN from state {@code from}: the determiner fixes which numbers the noun may have
   * (states {@code prefix.any}, {@code .sg}, {@code .pl}); a singular noun leads to {@code
   * toSg}, a plural one to {@code toPl}.
   */
  private static void nounPhrase(Builder b, String from, String prefix, double adjective, String toSg, String toPl) {
    b.arc(from, "the", 0.5, prefix + ".any");
    b.arc(from, "a", 0.2, prefix + ".sg");
    b.arc(from, "this", 0.1, prefix + ".sg");
    b.arc(from, "these", 0.1, prefix + ".pl");
    b.arc(from, "some", 0.1, prefix + ".pl");
    for (String det : List.of("any", "sg", "pl")) {
      String s = prefix + "." + det;
      b.arcs(s, ADJECTIVES, zipf(ADJECTIVES.size()), adjective, s);
      double nouns = 1 - adjective;
      switch (det) {
        case "any" -> {
          b.arcs(s, NOUNS_SG, zipf(NOUNS_SG.size()), nouns / 2, toSg);
          b.arcs(s, NOUNS_PL, zipf(NOUNS_PL.size()), nouns / 2, toPl);
        }
        case "sg" -> b.arcs(s, NOUNS_SG, zipf(NOUNS_SG.size()), nouns, toSg);
        default -> b.arcs(s, NOUNS_PL, zipf(NOUNS_PL.size()), nouns, toPl);
      }
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "StochasticGrammar[%d states, %d words, perplexity floor %.4f]",
        stateNames.size(), vocabulary.size(), perplexityFloor());
  }
}
