package io.github.pptpalg.netty.testing;

import io.github.pptpalg.codec.pptp.CallClearRequest;
import io.github.pptpalg.codec.pptp.CallDisconnectNotify;
import io.github.pptpalg.codec.pptp.EchoReply;
import io.github.pptpalg.codec.pptp.EchoRequest;
import io.github.pptpalg.codec.pptp.IncomingCallConnected;
import io.github.pptpalg.codec.pptp.IncomingCallReply;
import io.github.pptpalg.codec.pptp.IncomingCallRequest;
import io.github.pptpalg.codec.pptp.OutgoingCallReply;
import io.github.pptpalg.codec.pptp.OutgoingCallRequest;
import io.github.pptpalg.codec.pptp.ResultCode;
import io.github.pptpalg.codec.pptp.SetLinkInfo;
import io.github.pptpalg.codec.pptp.StartControlConnectionReply;
import io.github.pptpalg.codec.pptp.StartControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopControlConnectionReply;
import io.github.pptpalg.codec.pptp.StopControlConnectionRequest;
import io.github.pptpalg.codec.pptp.StopReason;
import io.github.pptpalg.codec.pptp.WanErrorNotify;

/**
 * Control messages with the values a real PNS or PAC would send (RFC 2637 section 2; framing and bearer
 * capabilities, windows and speeds like Linux pptp and pptpd use), so that scripts read as protocol steps.
 * Every non-ID field is non-zero where the RFC allows it, so a relay that rewrote more than the Call IDs would
 * be caught by comparing the messages. Use {@code toBuilder()} on the result to vary a field.
 */
public final class ControlMessages {

    private ControlMessages() {
    }

    /** Start-Control-Connection-Request from a PNS. */
    public static StartControlConnectionRequest sccrq() {
        return StartControlConnectionRequest.builder()
                .framingCapabilities(3)          // async and sync
                .bearerCapabilities(3)           // analog and digital
                .maximumChannels(0)              // a PNS sends 0 (RFC 2637 section 2.1)
                .firmwareRevision(0x0102)
                .hostName("scripted-pns")
                .vendorString("pptp-alg tests")
                .build();
    }

    /** Positive Start-Control-Connection-Reply from a PAC. */
    public static StartControlConnectionReply sccrp() {
        return StartControlConnectionReply.builder()
                .resultCode(ResultCode.OK)
                .framingCapabilities(3)
                .bearerCapabilities(3)
                .maximumChannels(64)
                .firmwareRevision(0x0201)
                .hostName("scripted-pac")
                .vendorString("pptp-alg tests")
                .build();
    }

    /** Stop-Control-Connection-Request, reason "general request". */
    public static StopControlConnectionRequest stopRequest() {
        return StopControlConnectionRequest.builder().reason(StopReason.NONE).build();
    }

    /** Positive Stop-Control-Connection-Reply. */
    public static StopControlConnectionReply stopReply() {
        return StopControlConnectionReply.builder().resultCode(ResultCode.OK).build();
    }

    public static EchoRequest echoRequest(long identifier) {
        return EchoRequest.builder().identifier(identifier).build();
    }

    public static EchoReply echoReply(long identifier) {
        return EchoReply.builder().identifier(identifier).resultCode(ResultCode.OK).build();
    }

    /** Outgoing-Call-Request from the PNS, with its Call ID {@code callId}. */
    public static OutgoingCallRequest ocrq(int callId) {
        return OutgoingCallRequest.builder()
                .callId(callId)
                .callSerialNumber(callId ^ 0x5A5A)
                .minimumBps(2400)
                .maximumBps(10_000_000)
                .bearerType(3)
                .framingType(3)
                .packetRecvWindowSize(64)
                .packetProcessingDelay(0)
                .phoneNumberLength(3)
                .phoneNumber("555")
                .subaddress("scripted")
                .build();
    }

    /** Positive Outgoing-Call-Reply from the PAC: its Call ID {@code callId}, the PNS's {@code peerCallId}. */
    public static OutgoingCallReply ocrp(int callId, int peerCallId) {
        return OutgoingCallReply.builder()
                .callId(callId)
                .peerCallId(peerCallId)
                .resultCode(ResultCode.OCRP_CONNECTED)
                .connectSpeed(100_000_000)
                .packetRecvWindowSize(64)
                .packetProcessingDelay(0)
                .physicalChannelId(7)
                .build();
    }

    /** Incoming-Call-Request from the PAC, with its Call ID {@code callId}. */
    public static IncomingCallRequest icrq(int callId) {
        return IncomingCallRequest.builder()
                .callId(callId)
                .callSerialNumber(callId ^ 0x3C3C)
                .callBearerType(1)
                .physicalChannelId(9)
                .dialedNumberLength(4)
                .dialingNumberLength(4)
                .dialedNumber("1234")
                .dialingNumber("4321")
                .subaddress("scripted")
                .build();
    }

    /** Positive Incoming-Call-Reply from the PNS: its Call ID {@code callId}, the PAC's {@code peerCallId}. */
    public static IncomingCallReply icrp(int callId, int peerCallId) {
        return IncomingCallReply.builder()
                .callId(callId)
                .peerCallId(peerCallId)
                .resultCode(ResultCode.ICRP_CONNECT)
                .packetRecvWindowSize(64)
                .packetTransmitDelay(0)
                .build();
    }

    /** Incoming-Call-Connected from the PAC, naming the PNS's Call ID {@code peerCallId}. */
    public static IncomingCallConnected iccn(int peerCallId) {
        return IncomingCallConnected.builder()
                .peerCallId(peerCallId)
                .connectSpeed(100_000_000)
                .packetRecvWindowSize(64)
                .packetTransmitDelay(0)
                .framingType(1)
                .build();
    }

    /** Call-Clear-Request from the PNS, with its own Call ID {@code callId}. */
    public static CallClearRequest ccrq(int callId) {
        return CallClearRequest.builder().callId(callId).build();
    }

    /** Call-Disconnect-Notify (result "call disconnected by request", RFC 2637 section 2.13). */
    public static CallDisconnectNotify cdn(int callId) {
        return CallDisconnectNotify.builder()
                .callId(callId)
                .resultCode(ResultCode.CDN_REQUEST)
                .causeCode(16)
                .callStatistics("scripted call ended")
                .build();
    }

    /** Set-Link-Info from the PNS, naming the PAC's Call ID {@code peerCallId}. */
    public static SetLinkInfo sli(int peerCallId) {
        return SetLinkInfo.builder().peerCallId(peerCallId).sendAccm(0xFFFFFFFFL).receiveAccm(0xFFFFFFFFL).build();
    }

    /** WAN-Error-Notify from the PAC, naming the PNS's Call ID {@code peerCallId}. */
    public static WanErrorNotify wen(int peerCallId) {
        return WanErrorNotify.builder()
                .peerCallId(peerCallId)
                .crcErrors(1)
                .framingErrors(2)
                .hardwareOverruns(3)
                .bufferOverruns(4)
                .timeoutErrors(5)
                .alignmentErrors(6)
                .build();
    }
}
