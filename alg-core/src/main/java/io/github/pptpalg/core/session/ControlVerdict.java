package io.github.pptpalg.core.session;

import io.github.pptpalg.core.metrics.RefusalReason;
import java.util.Objects;

/**
 * What the relay does with one control message: the answer of
 * {@link ControlSession#onMessage(Side, int, int, int, int)}.
 *
 * <ul>
 *   <li>{@link Kind#FORWARD}: send the message to the other side with its Call ID field set to {@link #callId()}
 *       and its Peer Call ID field set to {@link #peerCallId()}; {@code -1} leaves a field unchanged (every field
 *       is {@code -1} for messages without Call IDs).</li>
 *   <li>{@link Kind#DISCARD}: send nothing; the connection stays up. A message about a call the gateway already
 *       released (it crossed a teardown), or a call request while the connection is stopping.
 *       {@link #reason()} says which.</li>
 *   <li>{@link Kind#REFUSE_CALL}: send nothing on; answer the sender with a negative Outgoing-Call-Reply or
 *       Incoming-Call-Reply carrying Call ID {@link #callId()} (0: the gateway has none) and Peer Call ID
 *       {@link #peerCallId()} (the sender's Call ID). {@link #refusalReason()} says why (limits, exhausted
 *       IDs); suggested result codes: OCRP 4 (busy), ICRP 3 (do not accept), or 2 (general error).</li>
 *   <li>{@link Kind#PROTOCOL_VIOLATION}: send nothing on; tell both peers (Stop-Control-Connection-Request),
 *       close both legs and call {@link ControlSession#close(String)} with {@link #reason()}.</li>
 * </ul>
 *
 * @param kind what to do
 * @param callId the Call ID field to write ({@code -1}: leave it)
 * @param peerCallId the Peer Call ID field to write ({@code -1}: leave it)
 * @param reason why, for every kind but a plain {@code FORWARD} (null then)
 * @param refusalReason for {@code REFUSE_CALL} only, null otherwise
 * @param call the call the message belongs to, if any (null otherwise; also null for {@code REFUSE_CALL})
 */
public record ControlVerdict(Kind kind, int callId, int peerCallId, String reason, RefusalReason refusalReason, Call call) {

    /** What the relay does with the message. */
    public enum Kind {
        FORWARD, DISCARD, REFUSE_CALL, PROTOCOL_VIOLATION
    }

    static final ControlVerdict FORWARD_UNCHANGED = new ControlVerdict(Kind.FORWARD, -1, -1, null, null, null);

    public ControlVerdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.REFUSE_CALL) != (refusalReason != null)) {
            throw new IllegalArgumentException("refusalReason: " + refusalReason + " (expected: set for REFUSE_CALL only)");
        }
    }

    static ControlVerdict forward(int callId, int peerCallId, Call call) {
        return new ControlVerdict(Kind.FORWARD, callId, peerCallId, null, null, call);
    }

    static ControlVerdict discard(String reason, Call call) {
        return new ControlVerdict(Kind.DISCARD, -1, -1, reason, null, call);
    }

    static ControlVerdict refuseCall(RefusalReason reason, int senderCallId, String text) {
        return new ControlVerdict(Kind.REFUSE_CALL, 0, senderCallId, text, reason, null);
    }

    static ControlVerdict violation(String reason) {
        return new ControlVerdict(Kind.PROTOCOL_VIOLATION, -1, -1, reason, null, null);
    }

    public boolean isForward() {
        return kind == Kind.FORWARD;
    }
}
