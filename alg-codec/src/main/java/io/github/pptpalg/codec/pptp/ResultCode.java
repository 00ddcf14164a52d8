package io.github.pptpalg.codec.pptp;

/**
 * The 1-byte Result Code of a reply (SCCRP, StopCCRP, Echo-Reply, OCRP, ICRP, CDN). An open value type:
 * any value 0..255 is accepted and passes through unchanged. The meaning of a value depends on the
 * message type (RFC 2637 sections 2.2 to 2.13), hence the type-prefixed constants and
 * {@link #description(PptpMessageType)}.
 */
public final class ResultCode implements Comparable<ResultCode> {

    private static final ResultCode[] VALUES = new ResultCode[256];

    static {
        for (int i = 0; i < VALUES.length; i++) {
            VALUES[i] = new ResultCode(i);
        }
    }

    /** 0: not defined by RFC 2637 (seen as "no result" in some implementations). */
    public static final ResultCode NONE = VALUES[0];
    /** 1: success, in every reply (Successful channel establishment, OK, Connected, Connect, ...). */
    public static final ResultCode OK = VALUES[1];
    /** 2: General error, in every reply; the Error Code says more. */
    public static final ResultCode GENERAL_ERROR = VALUES[2];

    /** SCCRP 3: Command channel already exists. */
    public static final ResultCode SCCRP_CHANNEL_EXISTS = VALUES[3];
    /** SCCRP 4: Requester is not authorized to establish a command channel. */
    public static final ResultCode SCCRP_NOT_AUTHORIZED = VALUES[4];
    /** SCCRP 5: The protocol version of the requester is not supported. */
    public static final ResultCode SCCRP_UNSUPPORTED_PROTOCOL_VERSION = VALUES[5];

    /** OCRP 1: Connected. */
    public static final ResultCode OCRP_CONNECTED = VALUES[1];
    /** OCRP 3: No Carrier. */
    public static final ResultCode OCRP_NO_CARRIER = VALUES[3];
    /** OCRP 4: Busy. */
    public static final ResultCode OCRP_BUSY = VALUES[4];
    /** OCRP 5: No Dial Tone. */
    public static final ResultCode OCRP_NO_DIAL_TONE = VALUES[5];
    /** OCRP 6: Time-out. */
    public static final ResultCode OCRP_TIME_OUT = VALUES[6];
    /** OCRP 7: Do Not Accept (the PAC refuses the call). */
    public static final ResultCode OCRP_DO_NOT_ACCEPT = VALUES[7];

    /** ICRP 1: Connect. */
    public static final ResultCode ICRP_CONNECT = VALUES[1];
    /** ICRP 3: Do Not Accept (the PNS refuses the call). */
    public static final ResultCode ICRP_DO_NOT_ACCEPT = VALUES[3];

    /** CDN 1: Lost Carrier. */
    public static final ResultCode CDN_LOST_CARRIER = VALUES[1];
    /** CDN 3: Admin Shutdown. */
    public static final ResultCode CDN_ADMIN_SHUTDOWN = VALUES[3];
    /** CDN 4: Request (the call was cleared by a Call-Clear-Request). */
    public static final ResultCode CDN_REQUEST = VALUES[4];

    private final int value;

    private ResultCode(int value) {
        this.value = value;
    }

    /**
     * Returns the Result Code with the given value.
     *
     * @throws IllegalArgumentException if {@code value} is not 0..255
     */
    public static ResultCode valueOf(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("result code: " + value + " (expected: 0..255)");
        }
        return VALUES[value];
    }

    /** The value on the wire (0..255). */
    public int value() {
        return value;
    }

    /** Whether this is 1, the success value of every reply. */
    public boolean isSuccess() {
        return value == 1;
    }

    /**
     * The meaning RFC 2637 gives this value in a reply of the given type, or {@code "Unknown (n)"}.
     */
    public String description(PptpMessageType type) {
        String d = switch (type) {
            case START_CONTROL_CONNECTION_REPLY -> switch (value) {
                case 1 -> "Successful channel establishment";
                case 2 -> "General error";
                case 3 -> "Command channel already exists";
                case 4 -> "Requester is not authorized to establish a command channel";
                case 5 -> "The protocol version of the requester is not supported";
                default -> null;
            };
            case STOP_CONTROL_CONNECTION_REPLY, ECHO_REPLY -> switch (value) {
                case 1 -> "OK";
                case 2 -> "General error";
                default -> null;
            };
            case OUTGOING_CALL_REPLY -> switch (value) {
                case 1 -> "Connected";
                case 2 -> "General Error";
                case 3 -> "No Carrier";
                case 4 -> "Busy";
                case 5 -> "No Dial Tone";
                case 6 -> "Time-out";
                case 7 -> "Do Not Accept";
                default -> null;
            };
            case INCOMING_CALL_REPLY -> switch (value) {
                case 1 -> "Connect";
                case 2 -> "General Error";
                case 3 -> "Do Not Accept";
                default -> null;
            };
            case CALL_DISCONNECT_NOTIFY -> switch (value) {
                case 1 -> "Lost Carrier";
                case 2 -> "General Error";
                case 3 -> "Admin Shutdown";
                case 4 -> "Request";
                default -> null;
            };
            default -> null;
        };
        return d != null ? d : "Unknown (" + value + ")";
    }

    @Override
    public int compareTo(ResultCode o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultCode other && other.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
