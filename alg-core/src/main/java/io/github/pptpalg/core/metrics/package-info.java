/** Counters of the gateway, cheap to update from many threads and readable as a snapshot. */
package io.github.pptpalg.core.metrics;
