/** Search spaces: decisions, immutable architectures, canonical strings and JSON. Engine-free. */
package dev.jnas.space;
