/** Access lists, authorization commands, limits, timeouts and the immutable gateway configuration. */
package io.github.pptpalg.core.policy;
