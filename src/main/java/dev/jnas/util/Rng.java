package dev.jnas.util;

import java.util.Base64;
import java.util.random.RandomGenerator;
import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.simple.RandomSource;

/**
 * A seeded random generator whose state can be saved and restored, so strategy snapshots carry
 * their random state (resume continues the exact same sequence). Never shared between threads.
 */
public final class Rng implements RandomGenerator {
  private final RestorableUniformRandomProvider provider;

  private Rng(RestorableUniformRandomProvider provider) {
    this.provider = provider;
  }

  public static Rng of(long seed) {
    return new Rng(RandomSource.XO_RO_SHI_RO_128_PP.create(seed));
  }

  /** Seed of the n-th child stream of {@code seed}: stable, independent of call order. */
  public static long derive(long seed, long n) {
    return new java.util.SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (n + 1))).nextLong();
  }

  @Override
  public long nextLong() {
    return provider.nextLong();
  }

  @Override
  public int nextInt(int bound) {
    return provider.nextInt(bound);
  }

  @Override
  public double nextDouble() {
    return provider.nextDouble();
  }

  /** The generator's state as text (for JSON snapshots). */
  public String saveState() {
    return Base64.getEncoder()
        .encodeToString(((RandomProviderDefaultState) provider.saveState()).getState());
  }

  public void restoreState(String state) {
    provider.restoreState(new RandomProviderDefaultState(Base64.getDecoder().decode(state)));
  }
}
