/** JMH benchmarks. */
package io.github.pptpalg.benchmarks;
