/**
 * Architecture diagrams: {@link dev.jnas.diagram.ArchitectureDiagram} lays out an architecture's
 * graph ({@link dev.jnas.space.ArchitectureGraph}, which a {@link dev.jnas.space.DrawableSpace}
 * provides) with Eclipse ELK's layered algorithm and writes it as SVG. Depends on {@code space}
 * only; nothing here is web-specific, so reports and dashboards embed the SVG as they like.
 */
package dev.jnas.diagram;
