package io.github.pptpalg.codec.pptp;

import java.util.Objects;

/**
 * Uniform access to the Call ID fields and the Result Code of any control message, for a relay that
 * translates Call IDs without caring which of the 15 messages it holds.
 *
 * <p>Whose ID is where (RFC 2637 section 2): Outgoing-Call-Request Call ID = PNS's; Outgoing-Call-Reply
 * Call ID = PAC's, Peer Call ID = PNS's; Incoming-Call-Request Call ID = PAC's; Incoming-Call-Reply Call
 * ID = PNS's, Peer Call ID = PAC's; Incoming-Call-Connected Peer Call ID = PNS's; Call-Clear-Request Call
 * ID = PNS's; Call-Disconnect-Notify Call ID = PAC's; WAN-Error-Notify Peer Call ID = PNS's; Set-Link-Info
 * Peer Call ID = PAC's. In short: a message carries the sender's own ID as Call ID and the receiver's as
 * Peer Call ID, except Call-Clear-Request (sender's, as Call ID) and the three with only a Peer Call ID
 * (receiver's).
 */
public final class PptpMessages {

    private PptpMessages() {
    }

    /** Returns the Call ID of {@code msg}, or {@code -1} if its type has none. */
    public static int callId(PptpMessage msg) {
        Objects.requireNonNull(msg, "msg");
        return switch (msg.type()) {
            case OUTGOING_CALL_REQUEST -> ((OutgoingCallRequest) msg).callId();
            case OUTGOING_CALL_REPLY -> ((OutgoingCallReply) msg).callId();
            case INCOMING_CALL_REQUEST -> ((IncomingCallRequest) msg).callId();
            case INCOMING_CALL_REPLY -> ((IncomingCallReply) msg).callId();
            case CALL_CLEAR_REQUEST -> ((CallClearRequest) msg).callId();
            case CALL_DISCONNECT_NOTIFY -> ((CallDisconnectNotify) msg).callId();
            default -> -1;
        };
    }

    /** Returns the Peer's Call ID of {@code msg}, or {@code -1} if its type has none. */
    public static int peerCallId(PptpMessage msg) {
        Objects.requireNonNull(msg, "msg");
        return switch (msg.type()) {
            case OUTGOING_CALL_REPLY -> ((OutgoingCallReply) msg).peerCallId();
            case INCOMING_CALL_REPLY -> ((IncomingCallReply) msg).peerCallId();
            case INCOMING_CALL_CONNECTED -> ((IncomingCallConnected) msg).peerCallId();
            case WAN_ERROR_NOTIFY -> ((WanErrorNotify) msg).peerCallId();
            case SET_LINK_INFO -> ((SetLinkInfo) msg).peerCallId();
            default -> -1;
        };
    }

    /** Returns the Result Code value of {@code msg}, or {@code -1} if its type has none. */
    public static int resultCode(PptpMessage msg) {
        Objects.requireNonNull(msg, "msg");
        return switch (msg.type()) {
            case START_CONTROL_CONNECTION_REPLY -> ((StartControlConnectionReply) msg).resultCode().value();
            case STOP_CONTROL_CONNECTION_REPLY -> ((StopControlConnectionReply) msg).resultCode().value();
            case ECHO_REPLY -> ((EchoReply) msg).resultCode().value();
            case OUTGOING_CALL_REPLY -> ((OutgoingCallReply) msg).resultCode().value();
            case INCOMING_CALL_REPLY -> ((IncomingCallReply) msg).resultCode().value();
            case CALL_DISCONNECT_NOTIFY -> ((CallDisconnectNotify) msg).resultCode().value();
            default -> -1;
        };
    }

    /**
     * Returns {@code msg} with its Call ID and Peer's Call ID replaced; {@code -1} leaves a field as it is.
     * Returns {@code msg} itself when nothing changes.
     *
     * @throws IllegalArgumentException if an ID is not -1..65535, or is not -1 for a field the message
     *                                  does not have
     */
    public static PptpMessage withCallIds(PptpMessage msg, int callId, int peerCallId) {
        Objects.requireNonNull(msg, "msg");
        if (callId < -1 || callId > 0xFFFF) {
            throw new IllegalArgumentException("callId: " + callId + " (expected: -1..65535)");
        }
        if (peerCallId < -1 || peerCallId > 0xFFFF) {
            throw new IllegalArgumentException("peerCallId: " + peerCallId + " (expected: -1..65535)");
        }
        PptpMessageType type = msg.type();
        if (callId != -1 && !type.hasCallId()) {
            throw new IllegalArgumentException("callId: " + callId + " (expected: -1, " + type + " has no Call ID)");
        }
        if (peerCallId != -1 && !type.hasPeerCallId()) {
            throw new IllegalArgumentException(
                    "peerCallId: " + peerCallId + " (expected: -1, " + type + " has no Peer's Call ID)");
        }
        int c = callId;
        int p = peerCallId;
        return switch (type) {
            case OUTGOING_CALL_REQUEST -> c == -1 ? msg : ((OutgoingCallRequest) msg).withCallId(c);
            case OUTGOING_CALL_REPLY -> {
                OutgoingCallReply m = (OutgoingCallReply) msg;
                m = c == -1 ? m : m.withCallId(c);
                yield p == -1 ? m : m.withPeerCallId(p);
            }
            case INCOMING_CALL_REQUEST -> c == -1 ? msg : ((IncomingCallRequest) msg).withCallId(c);
            case INCOMING_CALL_REPLY -> {
                IncomingCallReply m = (IncomingCallReply) msg;
                m = c == -1 ? m : m.withCallId(c);
                yield p == -1 ? m : m.withPeerCallId(p);
            }
            case INCOMING_CALL_CONNECTED -> p == -1 ? msg : ((IncomingCallConnected) msg).withPeerCallId(p);
            case CALL_CLEAR_REQUEST -> c == -1 ? msg : ((CallClearRequest) msg).withCallId(c);
            case CALL_DISCONNECT_NOTIFY -> c == -1 ? msg : ((CallDisconnectNotify) msg).withCallId(c);
            case WAN_ERROR_NOTIFY -> p == -1 ? msg : ((WanErrorNotify) msg).withPeerCallId(p);
            case SET_LINK_INFO -> p == -1 ? msg : ((SetLinkInfo) msg).withPeerCallId(p);
            default -> msg;
        };
    }
}
