package io.github.pptpalg.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.pptpalg.core.nat.CallIdRange;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PptpAlgConfigTest {

    @Test
    void defaults() {
        PptpAlgConfig config = PptpAlgConfig.builder().addProxy("198.18.1.2").build();
        assertEquals(List.of(ProxyPair.parse("0.0.0.0:1723,198.18.1.2:1723")), config.proxies());
        assertEquals(AccessList.allowAll(), config.accessList());
        assertEquals(List.of(), config.authorizationCommands());
        assertEquals(Limits.defaults(), config.limits());
        assertEquals(Timeouts.defaults(), config.timeouts());
        assertEquals(new CallIdRange(1, 65535), config.callIdRange());
        assertEquals(1, config.greEventLoops());
        assertEquals(8 * 1024 * 1024, config.greReceiveBufferBytes());
        assertEquals(1024, config.maxControlMessageLength());
    }

    @Test
    void toBuilderCopiesEveryValueAndLeavesTheOriginalAlone() {
        AuthorizationCommand command = AuthorizationCommand.parse("/bin/true");
        PptpAlgConfig original = PptpAlgConfig.builder()
                .addProxy("198.18.0.1,198.18.1.2")
                .addProxy("198.18.0.1:1724,198.18.1.3")
                .accessList(AccessList.parse("198.18.0.0/24"))
                .addAuthorizationCommand(command)
                .limits(Limits.defaults().withMaxCalls(5))
                .timeouts(Timeouts.defaults().withGreIdle(Duration.ofSeconds(30)))
                .callIdRange(new CallIdRange(1000, 1999))
                .callIdQuarantine(Duration.ofSeconds(2))
                .greEventLoops(2)
                .greReceiveBufferBytes(1 << 20)
                .maxControlMessageLength(512)
                .build();
        PptpAlgConfig copy = original.toBuilder().build();
        assertEquals(original.toString(), copy.toString());
        assertEquals(original.proxies(), copy.proxies());
        assertEquals(List.of(command), copy.authorizationCommands());
        assertEquals(new CallIdRange(1000, 1999), copy.callIdRange());
        assertEquals(Duration.ofSeconds(2), copy.callIdQuarantine());
        assertEquals(2, copy.greEventLoops());
        assertEquals(1 << 20, copy.greReceiveBufferBytes());
        assertEquals(512, copy.maxControlMessageLength());

        PptpAlgConfig changed = original.toBuilder().greEventLoops(3).proxies(List.of(ProxyPair.parse("198.18.9.9"))).build();
        assertEquals(3, changed.greEventLoops());
        assertEquals(2, original.greEventLoops());
        assertEquals(2, original.proxies().size());
        assertEquals(1, changed.proxies().size());
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.greEventLoops(0),
                        "greEventLoops: 0 (expected: 1..64)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.greEventLoops(65),
                        "greEventLoops: 65 (expected: 1..64)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.greReceiveBufferBytes(1000),
                        "greReceiveBufferBytes: 1000 (expected: 65536..1073741824)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.maxControlMessageLength(156),
                        "maxControlMessageLength: 156 (expected: 220..65535)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.maxControlMessageLength(70000),
                        "maxControlMessageLength: 70000 (expected: 220..65535)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.callIdQuarantine(Duration.ofSeconds(-1)),
                        "callIdQuarantine: PT-1S (expected: >= 0)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.build(),
                        "proxies: [] (expected: at least one proxy)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.addProxy("198.18.1.2").addProxy("198.18.1.3").build(),
                        "proxies: [0.0.0.0:1723,198.18.1.2:1723, 0.0.0.0:1723,198.18.1.3:1723]"
                                + " (expected: distinct listen addresses, 0.0.0.0:1723 twice)"),
                Arguments.of((Consumer<PptpAlgConfig.Builder>) b -> b.addProxy("198.18.1.2:x"),
                        "invalid proxy \"198.18.1.2:x\": peer port \"x\" (expected: 1..65535)"));
    }

    @ParameterizedTest
    @MethodSource("invalidSettings")
    void builderRejectsInvalidValuesNamingFieldAndValue(Consumer<PptpAlgConfig.Builder> setting, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> setting.accept(PptpAlgConfig.builder()));
        assertEquals(message, e.getMessage());
    }

    @Test
    void nullsAreRejectedWithTheFieldName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> PptpAlgConfig.builder().limits(null));
        assertEquals("limits", e.getMessage());
    }
}
