/** Control connection and call state machines, seen from a relay (RFC 2637 section 3.1). */
package io.github.pptpalg.core.session;
