/**
 * Figures for an experiment's folder, drawn headless with JFreeChart and written as PNG and SVG
 * (JFreeSVG): e.g. the trajectories of a differentiable search's architecture parameters. Engine-free.
 */
package dev.jnas.report;
