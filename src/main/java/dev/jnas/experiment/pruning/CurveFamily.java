package dev.jnas.experiment.pruning;

import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * Parametric learning-curve families (Domhan et al. 2015; NNI's curve-fitting assessor), written
 * once over commons-math3's {@link DerivativeStructure} so the fit gets exact derivatives. {@code
 * x} is the epoch (from 1). Each family gives a starting point from the observed values and keeps
 * exponents and rates positive during the fit, where its formula is defined.
 */
enum CurveFamily {
  /** {@code c - a * x^-alpha}. */
  POW3(3, 2) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      return p[0].subtract(p[1].multiply(DerivativeStructure.pow(x, p[2].negate())));
    }

    @Override
    double[] start(double y0, double top) {
      return new double[] {top, top - y0, 1};
    }
  },
  /** {@code a / (1 + (x / e^b)^c)}. */
  LOG_POWER(3) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      return p[0].divide(p[2].multiply(p[1].negate().add(Math.log(x))).exp().add(1));
    }

    @Override
    double[] start(double y0, double top) {
      // c = -1 makes it rise; b places the value at x = 1 on y0
      return new double[] {top, Math.log(Math.max(top / Math.max(y0, 1e-3) - 1, 1e-3)), -1};
    }
  },
  /** {@code c - exp(-a * x + b)}. */
  EXP3(3, 1) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      return p[0].subtract(p[1].multiply(-x).add(p[2]).exp());
    }

    @Override
    double[] start(double y0, double top) {
      return new double[] {top, 0.5, 0.5 + Math.log(Math.max(top - y0, 1e-3))};
    }
  },
  /** {@code c - a / log(x + 1)}. */
  ILOG2(2) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      return p[0].subtract(p[1].divide(Math.log(x + 1)));
    }

    @Override
    double[] start(double y0, double top) {
      return new double[] {top, (top - y0) * Math.log(2)};
    }
  },
  /** {@code alpha - (alpha - beta) * exp(-kappa * x^delta)}. */
  JANOSCHEK(4, 2, 3) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      DerivativeStructure decay = p[2].negate().multiply(DerivativeStructure.pow(x, p[3])).exp();
      return p[0].subtract(p[0].subtract(p[1]).multiply(decay));
    }

    @Override
    double[] start(double y0, double top) {
      return sigmoidal(y0, top, 0.5);
    }
  },
  /** {@code alpha - (alpha - beta) * exp(-(kappa * x)^delta)}. */
  WEIBULL(4, 2, 3) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      DerivativeStructure decay = p[2].multiply(x).log().multiply(p[3]).exp().negate().exp();
      return p[0].subtract(p[0].subtract(p[1]).multiply(decay));
    }

    @Override
    double[] start(double y0, double top) {
      return sigmoidal(y0, top, 0.5);
    }
  },
  /** Morgan-Mercer-Flodin: {@code alpha - (alpha - beta) / (1 + (kappa * x)^delta)}. */
  MMF(4, 2, 3) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      DerivativeStructure growth = p[2].multiply(x).log().multiply(p[3]).exp();
      return p[0].subtract(p[0].subtract(p[1]).divide(growth.add(1)));
    }

    @Override
    double[] start(double y0, double top) {
      return sigmoidal(y0, top, 1);
    }
  },
  /** Vapor pressure: {@code exp(a + b / x + c * log(x))}. */
  VAP(3) {
    @Override
    DerivativeStructure value(double x, DerivativeStructure[] p) {
      return p[0].add(p[1].divide(x)).add(p[2].multiply(Math.log(x))).exp();
    }

    @Override
    double[] start(double y0, double top) {
      // at x = 1 the value is exp(a + b) = y0; it tends to exp(a) = top when c = 0
      double a = Math.log(Math.max(top, 1e-3));
      return new double[] {a, Math.log(Math.max(y0, 1e-3)) - a, 0};
    }
  };

  /** Positive parameters are kept in [MIN_POSITIVE, MAX_POSITIVE] while fitting. */
  static final double MIN_POSITIVE = 1e-6;
  static final double MAX_POSITIVE = 1e3;

  private final int parameters;
  private final int[] positive;

  /** @param positive indices of the parameters that must stay positive (exponents, rates) */
  CurveFamily(int parameters, int... positive) {
    this.parameters = parameters;
    this.positive = positive;
  }

  int parameters() {
    return parameters;
  }

  /** The curve at epoch {@code x} with its derivatives by the parameters {@code p}. */
  abstract DerivativeStructure value(double x, DerivativeStructure[] p);

  /**
   * A starting point: the curve should pass near the first observed value {@code y0} and level
   * off near {@code top} (a little above the best observed value).
   */
  abstract double[] start(double y0, double top);

  /** Indices of the parameters that must stay positive. */
  int[] positive() {
    return positive.clone();
  }

  /**
   * A start for the sigmoidal families {@code alpha - (alpha - beta) * g(kappa, delta, x)}: level
   * {@code top}, a value at x = 0 below the first, rate {@code kappa}, shape 1.
   */
  private static double[] sigmoidal(double y0, double top, double kappa) {
    return new double[] {top, y0 - (top - y0) * 0.5, kappa, 1};
  }

  /** The curve's value at {@code x} for parameters {@code p}. */
  double at(double x, double[] p) {
    DerivativeStructure[] ds = new DerivativeStructure[p.length];
    for (int i = 0; i < p.length; i++) {
      ds[i] = new DerivativeStructure(p.length, 0, p[i]);
    }
    return value(x, ds).getValue();
  }

  String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
