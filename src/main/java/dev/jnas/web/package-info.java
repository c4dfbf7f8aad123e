/**
 * What users look at in a browser: the live dashboard ({@code jnas serve}, Javalin, read-only) and
 * the self-contained {@code report.html} every finished search writes. Both render the same
 * {@link dev.jnas.view.ExperimentView} document with the same script ({@code web/app.js}) and
 * ECharts from its WebJar; diagrams come from {@link dev.jnas.diagram}.
 */
package dev.jnas.web;
