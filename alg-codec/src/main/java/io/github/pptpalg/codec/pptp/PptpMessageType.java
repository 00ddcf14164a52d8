package io.github.pptpalg.codec.pptp;

/**
 * The 15 PPTP control message types of RFC 2637 section 2, in RFC order, with the facts a relay needs
 * to work on an encoded frame in place: the fixed length of each type and where its Call ID, Peer Call ID
 * and Result Code fields sit (offsets from the first byte of the frame, {@code -1} when the type has no
 * such field).
 */
public enum PptpMessageType {
    /** Start-Control-Connection-Request, RFC 2637 section 2.1. */
    START_CONTROL_CONNECTION_REQUEST(1, 156, "SCCRQ", "Start-Control-Connection-Request", -1, -1, -1),
    /** Start-Control-Connection-Reply, RFC 2637 section 2.2. */
    START_CONTROL_CONNECTION_REPLY(2, 156, "SCCRP", "Start-Control-Connection-Reply", -1, -1, 14),
    /** Stop-Control-Connection-Request, RFC 2637 section 2.3. */
    STOP_CONTROL_CONNECTION_REQUEST(3, 16, "StopCCRQ", "Stop-Control-Connection-Request", -1, -1, -1),
    /** Stop-Control-Connection-Reply, RFC 2637 section 2.4. */
    STOP_CONTROL_CONNECTION_REPLY(4, 16, "StopCCRP", "Stop-Control-Connection-Reply", -1, -1, 12),
    /** Echo-Request, RFC 2637 section 2.5. */
    ECHO_REQUEST(5, 16, "ECHORQ", "Echo-Request", -1, -1, -1),
    /** Echo-Reply, RFC 2637 section 2.6. */
    ECHO_REPLY(6, 20, "ECHORP", "Echo-Reply", -1, -1, 16),
    /** Outgoing-Call-Request, RFC 2637 section 2.7; sent by the PNS, its Call ID is the PNS's. */
    OUTGOING_CALL_REQUEST(7, 168, "OCRQ", "Outgoing-Call-Request", 12, -1, -1),
    /** Outgoing-Call-Reply, RFC 2637 section 2.8; sent by the PAC: Call ID = PAC's, Peer Call ID = PNS's. */
    OUTGOING_CALL_REPLY(8, 32, "OCRP", "Outgoing-Call-Reply", 12, 14, 16),
    /** Incoming-Call-Request, RFC 2637 section 2.9; sent by the PAC, its Call ID is the PAC's. */
    INCOMING_CALL_REQUEST(9, 220, "ICRQ", "Incoming-Call-Request", 12, -1, -1),
    /** Incoming-Call-Reply, RFC 2637 section 2.10; sent by the PNS: Call ID = PNS's, Peer Call ID = PAC's. */
    INCOMING_CALL_REPLY(10, 24, "ICRP", "Incoming-Call-Reply", 12, 14, 16),
    /** Incoming-Call-Connected, RFC 2637 section 2.11; sent by the PAC, its Peer Call ID is the PNS's. */
    INCOMING_CALL_CONNECTED(11, 28, "ICCN", "Incoming-Call-Connected", -1, 12, -1),
    /** Call-Clear-Request, RFC 2637 section 2.12; sent by the PNS, its Call ID is the PNS's. */
    CALL_CLEAR_REQUEST(12, 16, "CCRQ", "Call-Clear-Request", 12, -1, -1),
    /** Call-Disconnect-Notify, RFC 2637 section 2.13; sent by the PAC, its Call ID is the PAC's. */
    CALL_DISCONNECT_NOTIFY(13, 148, "CDN", "Call-Disconnect-Notify", 12, -1, 14),
    /** WAN-Error-Notify, RFC 2637 section 2.14; sent by the PAC, its Peer Call ID is the PNS's. */
    WAN_ERROR_NOTIFY(14, 40, "WEN", "WAN-Error-Notify", -1, 12, -1),
    /** Set-Link-Info, RFC 2637 section 2.15; sent by the PNS, its Peer Call ID is the PAC's. */
    SET_LINK_INFO(15, 24, "SLI", "Set-Link-Info", -1, 12, -1);

    private static final PptpMessageType[] BY_VALUE = new PptpMessageType[16];

    static {
        for (PptpMessageType type : values()) {
            BY_VALUE[type.value] = type;
        }
    }

    private final int value;
    private final int fixedLength;
    private final String abbreviation;
    private final String rfcName;
    private final int callIdOffset;
    private final int peerCallIdOffset;
    private final int resultCodeOffset;

    PptpMessageType(int value, int fixedLength, String abbreviation, String rfcName,
                    int callIdOffset, int peerCallIdOffset, int resultCodeOffset) {
        this.value = value;
        this.fixedLength = fixedLength;
        this.abbreviation = abbreviation;
        this.rfcName = rfcName;
        this.callIdOffset = callIdOffset;
        this.peerCallIdOffset = peerCallIdOffset;
        this.resultCodeOffset = resultCodeOffset;
    }

    /**
     * Returns the type with the given Control Message Type value.
     *
     * @throws IllegalArgumentException if {@code value} is not 1..15
     */
    public static PptpMessageType valueOf(int value) {
        PptpMessageType type = find(value);
        if (type == null) {
            throw new IllegalArgumentException("control message type: " + value + " (expected: 1..15)");
        }
        return type;
    }

    /** Returns the type with the given Control Message Type value, or {@code null} if there is none. */
    public static PptpMessageType find(int value) {
        return value >= 1 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** The Control Message Type value carried in the header (1..15). */
    public int value() {
        return value;
    }

    /** The fixed length of the message in bytes, 12-byte header included. */
    public int fixedLength() {
        return fixedLength;
    }

    /** The usual abbreviation: "SCCRQ", "OCRP", "CDN", ... */
    public String abbreviation() {
        return abbreviation;
    }

    /** The name RFC 2637 gives the message: "Start-Control-Connection-Request", ... */
    public String rfcName() {
        return rfcName;
    }

    /** Whether the message has a Call ID field. */
    public boolean hasCallId() {
        return callIdOffset >= 0;
    }

    /** Whether the message has a Peer's Call ID field. */
    public boolean hasPeerCallId() {
        return peerCallIdOffset >= 0;
    }

    /** Whether the message has a Result Code field. */
    public boolean hasResultCode() {
        return resultCodeOffset >= 0;
    }

    /** Offset of the 2-byte Call ID field from the start of the frame, {@code -1} if the type has none. */
    public int callIdOffset() {
        return callIdOffset;
    }

    /** Offset of the 2-byte Peer's Call ID field from the start of the frame, {@code -1} if the type has none. */
    public int peerCallIdOffset() {
        return peerCallIdOffset;
    }

    /** Offset of the 1-byte Result Code field from the start of the frame, {@code -1} if the type has none. */
    public int resultCodeOffset() {
        return resultCodeOffset;
    }
}
