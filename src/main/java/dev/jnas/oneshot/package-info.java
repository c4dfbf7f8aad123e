/**
 * One-shot architecture search: one supernet ({@link dev.jnas.model.Supernet}) trained once,
 * architectures read out of it. {@link dev.jnas.oneshot.SupernetSearch} runs DARTS, ProxylessNAS
 * (binary gates, optional latency loss from a {@link dev.jnas.oneshot.LatencyTable}) or ENAS (the
 * REINFORCE controller of {@link dev.jnas.strategy.rl}) as an experiment's search phase, selected
 * by {@code strategy: darts | proxyless | enas}; weight steps leave the candidates they did not run
 * untouched ({@link dev.jnas.train.Sgd}).
 */
package dev.jnas.oneshot;
