package io.github.pptpalg.codec.pptp;

import java.util.List;

/**
 * One frame per control message type: the bytes written field by field from the layouts of RFC 2637
 * section 2 (offsets in the comments) and the message the decoder must make of them. Every field has a
 * value that differs from its neighbours, so a field read from the wrong place shows.
 */
final class GoldenMessages {

    record Golden(PptpMessageType type, byte[] bytes, PptpMessage message) {
        @Override
        public String toString() {
            return type.abbreviation();
        }
    }

    private GoldenMessages() {
    }

    static List<Golden> all() {
        return List.of(sccrq(), sccrp(), stopCcrq(), stopCcrp(), echoRequest(), echoReply(), ocrq(), ocrp(),
                icrq(), icrp(), iccn(), ccrq(), cdn(), wen(), sli());
    }

    static Golden sccrq() {
        byte[] bytes = Wire.header(156, 1)
                .u16(0x0100)                 // 12 Protocol Version
                .u16(0)                      // 14 Reserved1
                .u32(0x00000001)             // 16 Framing Capabilities: asynchronous
                .u32(0x00000002)             // 20 Bearer Capabilities: digital
                .u16(0)                      // 24 Maximum Channels (a PNS sends 0)
                .u16(0x1234)                 // 26 Firmware Revision
                .text("pns.example.net", 64) // 28 Host Name
                .text("pptp-alg tests", 64)  // 92 Vendor String
                .bytes();
        return new Golden(PptpMessageType.START_CONTROL_CONNECTION_REQUEST, bytes,
                StartControlConnectionRequest.builder()
                        .protocolVersion(0x0100).framingCapabilities(1).bearerCapabilities(2)
                        .maximumChannels(0).firmwareRevision(0x1234)
                        .hostName("pns.example.net").vendorString("pptp-alg tests").build());
    }

    static Golden sccrp() {
        byte[] bytes = Wire.header(156, 2)
                .u16(0x0100)                 // 12 Protocol Version
                .u8(1)                       // 14 Result Code: success
                .u8(0)                       // 15 Error Code
                .u32(0x00000003)             // 16 Framing Capabilities
                .u32(0x00000001)             // 20 Bearer Capabilities
                .u16(0xFFFF)                 // 24 Maximum Channels
                .u16(0x0102)                 // 26 Firmware Revision
                .text("pac", 64)             // 28 Host Name
                .text("Vendor X", 64)        // 92 Vendor String
                .bytes();
        return new Golden(PptpMessageType.START_CONTROL_CONNECTION_REPLY, bytes,
                StartControlConnectionReply.builder()
                        .protocolVersion(0x0100).resultCode(ResultCode.OK).errorCode(ErrorCode.NONE)
                        .framingCapabilities(3).bearerCapabilities(1).maximumChannels(0xFFFF)
                        .firmwareRevision(0x0102).hostName("pac").vendorString("Vendor X").build());
    }

    static Golden stopCcrq() {
        byte[] bytes = Wire.header(16, 3)
                .u8(3)                       // 12 Reason: Stop-Local-Shutdown
                .u8(0xA5)                    // 13 Reserved1 (non-zero: kept as is)
                .u16(0xBEEF)                 // 14 Reserved2 (non-zero: kept as is)
                .bytes();
        return new Golden(PptpMessageType.STOP_CONTROL_CONNECTION_REQUEST, bytes,
                StopControlConnectionRequest.builder()
                        .reason(StopReason.STOP_LOCAL_SHUTDOWN).reserved1(0xA5).reserved2(0xBEEF).build());
    }

    static Golden stopCcrp() {
        byte[] bytes = Wire.header(16, 4)
                .u8(2)                       // 12 Result Code: general error
                .u8(6)                       // 13 Error Code: PAC-Error
                .u16(0)                      // 14 Reserved1
                .bytes();
        return new Golden(PptpMessageType.STOP_CONTROL_CONNECTION_REPLY, bytes,
                StopControlConnectionReply.builder()
                        .resultCode(ResultCode.GENERAL_ERROR).errorCode(ErrorCode.PAC_ERROR).build());
    }

    static Golden echoRequest() {
        byte[] bytes = Wire.header(16, 5)
                .u32(0xDEADBEEFL)            // 12 Identifier
                .bytes();
        return new Golden(PptpMessageType.ECHO_REQUEST, bytes,
                EchoRequest.builder().identifier(0xDEADBEEFL).build());
    }

    static Golden echoReply() {
        byte[] bytes = Wire.header(20, 6, 0x0001) // Reserved0 non-zero: kept as is
                .u32(0xDEADBEEFL)            // 12 Identifier
                .u8(1)                       // 16 Result Code: OK
                .u8(0)                       // 17 Error Code
                .u16(0)                      // 18 Reserved1
                .bytes();
        return new Golden(PptpMessageType.ECHO_REPLY, bytes,
                EchoReply.builder().reserved0(1).identifier(0xDEADBEEFL).resultCode(1).errorCode(0).build());
    }

    static Golden ocrq() {
        byte[] bytes = Wire.header(168, 7)
                .u16(0xA9C0)                 // 12 Call ID (PNS's)
                .u16(0x0003)                 // 14 Call Serial Number
                .u32(300)                    // 16 Minimum BPS
                .u32(100_000_000)            // 20 Maximum BPS
                .u32(3)                      // 24 Bearer Type: any
                .u32(3)                      // 28 Framing Type: either
                .u16(64)                     // 32 Packet Recv. Window Size
                .u16(0)                      // 34 Packet Processing Delay
                .u16(7)                      // 36 Phone Number Length
                .u16(0)                      // 38 Reserved1
                .text("5551234", 64)         // 40 Phone Number
                .text("sub", 64)             // 104 Subaddress
                .bytes();
        return new Golden(PptpMessageType.OUTGOING_CALL_REQUEST, bytes,
                OutgoingCallRequest.builder()
                        .callId(0xA9C0).callSerialNumber(3).minimumBps(300).maximumBps(100_000_000)
                        .bearerType(3).framingType(3).packetRecvWindowSize(64).packetProcessingDelay(0)
                        .phoneNumberLength(7).phoneNumber("5551234").subaddress("sub").build());
    }

    static Golden ocrp() {
        byte[] bytes = Wire.header(32, 8)
                .u16(0x35C9)                 // 12 Call ID (PAC's)
                .u16(0xA9C0)                 // 14 Peer's Call ID (PNS's)
                .u8(1)                       // 16 Result Code: Connected
                .u8(0)                       // 17 Error Code
                .u16(0x0010)                 // 18 Cause Code
                .u32(0xFFFFFFFFL)            // 20 Connect Speed (all bits: unsigned)
                .u16(16)                     // 24 Packet Recv. Window Size
                .u16(5)                      // 26 Packet Processing Delay
                .u32(0x80000001L)            // 28 Physical Channel ID
                .bytes();
        return new Golden(PptpMessageType.OUTGOING_CALL_REPLY, bytes,
                OutgoingCallReply.builder()
                        .callId(0x35C9).peerCallId(0xA9C0).resultCode(ResultCode.OCRP_CONNECTED)
                        .errorCode(ErrorCode.NONE).causeCode(16).connectSpeed(0xFFFFFFFFL)
                        .packetRecvWindowSize(16).packetProcessingDelay(5).physicalChannelId(0x80000001L)
                        .build());
    }

    static Golden icrq() {
        byte[] bytes = Wire.header(220, 9)
                .u16(0x0101)                 // 12 Call ID (PAC's)
                .u16(0x0202)                 // 14 Call Serial Number
                .u32(2)                      // 16 Call Bearer Type: digital
                .u32(0x01020304L)            // 20 Physical Channel ID
                .u16(4)                      // 24 Dialed Number Length
                .u16(5)                      // 26 Dialing Number Length
                .text("1234", 64)            // 28 Dialed Number
                .text("98765", 64)           // 92 Dialing Number
                .text("x", 64)               // 156 Subaddress
                .bytes();
        return new Golden(PptpMessageType.INCOMING_CALL_REQUEST, bytes,
                IncomingCallRequest.builder()
                        .callId(0x0101).callSerialNumber(0x0202).callBearerType(2).physicalChannelId(0x01020304L)
                        .dialedNumberLength(4).dialingNumberLength(5).dialedNumber("1234")
                        .dialingNumber("98765").subaddress("x").build());
    }

    static Golden icrp() {
        byte[] bytes = Wire.header(24, 10)
                .u16(0x0303)                 // 12 Call ID (PNS's)
                .u16(0x0101)                 // 14 Peer's Call ID (PAC's)
                .u8(3)                       // 16 Result Code: Do Not Accept
                .u8(4)                       // 17 Error Code: No-Resource
                .u16(32)                     // 18 Packet Recv. Window Size
                .u16(9)                      // 20 Packet Transmit Delay
                .u16(0)                      // 22 Reserved1
                .bytes();
        return new Golden(PptpMessageType.INCOMING_CALL_REPLY, bytes,
                IncomingCallReply.builder()
                        .callId(0x0303).peerCallId(0x0101).resultCode(ResultCode.ICRP_DO_NOT_ACCEPT)
                        .errorCode(ErrorCode.NO_RESOURCE).packetRecvWindowSize(32).packetTransmitDelay(9).build());
    }

    static Golden iccn() {
        byte[] bytes = Wire.header(28, 11)
                .u16(0x0303)                 // 12 Peer's Call ID (PNS's)
                .u16(0)                      // 14 Reserved1
                .u32(64_000)                 // 16 Connect Speed
                .u16(8)                      // 20 Packet Recv. Window Size
                .u16(2)                      // 22 Packet Transmit Delay
                .u32(1)                      // 24 Framing Type: asynchronous
                .bytes();
        return new Golden(PptpMessageType.INCOMING_CALL_CONNECTED, bytes,
                IncomingCallConnected.builder()
                        .peerCallId(0x0303).connectSpeed(64_000).packetRecvWindowSize(8).packetTransmitDelay(2)
                        .framingType(1).build());
    }

    static Golden ccrq() {
        byte[] bytes = Wire.header(16, 12)
                .u16(0xA9C0)                 // 12 Call ID (PNS's)
                .u16(0)                      // 14 Reserved1
                .bytes();
        return new Golden(PptpMessageType.CALL_CLEAR_REQUEST, bytes,
                CallClearRequest.builder().callId(0xA9C0).build());
    }

    static Golden cdn() {
        byte[] bytes = Wire.header(148, 13)
                .u16(0x35C9)                 // 12 Call ID (PAC's)
                .u8(4)                       // 14 Result Code: Request
                .u8(0)                       // 15 Error Code
                .u16(0x0102)                 // 16 Cause Code
                .u16(0)                      // 18 Reserved1
                .text("rx 10 tx 20", 128)    // 20 Call Statistics
                .bytes();
        return new Golden(PptpMessageType.CALL_DISCONNECT_NOTIFY, bytes,
                CallDisconnectNotify.builder()
                        .callId(0x35C9).resultCode(ResultCode.CDN_REQUEST).errorCode(ErrorCode.NONE)
                        .causeCode(0x0102).callStatistics("rx 10 tx 20").build());
    }

    static Golden wen() {
        byte[] bytes = Wire.header(40, 14)
                .u16(0xA9C0)                 // 12 Peer's Call ID (PNS's)
                .u16(0)                      // 14 Reserved1
                .u32(1)                      // 16 CRC Errors
                .u32(2)                      // 20 Framing Errors
                .u32(3)                      // 24 Hardware Overruns
                .u32(4)                      // 28 Buffer Overruns
                .u32(5)                      // 32 Time-out Errors
                .u32(6)                      // 36 Alignment Errors
                .bytes();
        return new Golden(PptpMessageType.WAN_ERROR_NOTIFY, bytes,
                WanErrorNotify.builder()
                        .peerCallId(0xA9C0).crcErrors(1).framingErrors(2).hardwareOverruns(3).bufferOverruns(4)
                        .timeoutErrors(5).alignmentErrors(6).build());
    }

    static Golden sli() {
        byte[] bytes = Wire.header(24, 15)
                .u16(0x35C9)                 // 12 Peer's Call ID (PAC's)
                .u16(0)                      // 14 Reserved1
                .u32(0xFFFFFFFFL)            // 16 Send ACCM
                .u32(0x000A0000L)            // 20 Receive ACCM
                .bytes();
        return new Golden(PptpMessageType.SET_LINK_INFO, bytes,
                SetLinkInfo.builder().peerCallId(0x35C9).sendAccm(0xFFFFFFFFL).receiveAccm(0x000A0000L).build());
    }
}
