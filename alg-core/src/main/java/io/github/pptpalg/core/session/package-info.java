/**
 * Control connection and call state machines, seen from a relay (RFC 2637 section 3.1, control connection
 * states; section 3.2, call states; section 2, which message carries which Call ID).
 *
 * <p>{@link io.github.pptpalg.core.session.SessionRegistry} admits clients and opens one
 * {@link io.github.pptpalg.core.session.ControlSession} per relayed control connection; the session answers every
 * control message with a {@link io.github.pptpalg.core.session.ControlVerdict} (forward with rewritten Call IDs,
 * discard, refuse the call, or close for a protocol violation) and keeps each
 * {@link io.github.pptpalg.core.session.Call}'s GRE bindings in the shared translation map. No I/O here.
 */
package io.github.pptpalg.core.session;
