/**
 * Read-only views of experiment folders: one JSON document per experiment (status, config,
 * provenance, every trial with metrics and epochs, workers, one-shot and PNAS records, Pareto
 * fronts, best so far) shared by {@code jnas show --json}, the dashboard and {@code report.html},
 * so all three say the same thing. Opens stores read-only: a running search can be viewed.
 */
package dev.jnas.view;
