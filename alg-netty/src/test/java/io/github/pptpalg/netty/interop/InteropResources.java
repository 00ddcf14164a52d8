package io.github.pptpalg.netty.interop;

import io.github.pptpalg.netty.PptpAlg;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one interop test opened (peer processes, gateways), closed after the test: the peers in reverse order,
 * then the gateways, then a wait until no process of the test lives on in the topology's namespaces (none may
 * send GRE into the next test's gateway).
 */
final class InteropResources {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<PptpAlg> gateways = new ArrayList<>();

    /** Closes {@code resource} after the test; returns it. */
    <T extends AutoCloseable> T use(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Closes {@code gateway} after the test (after the peers); returns it. */
    PptpAlg gateway(PptpAlg gateway) {
        gateways.add(gateway);
        return gateway;
    }

    /** Closes everything, then waits for the processes in {@code topology}'s namespaces to end. */
    void closeAll(NetnsTopology topology) throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        resources.clear();
        for (PptpAlg alg : gateways) {
            alg.close().get(10, TimeUnit.SECONDS);
        }
        gateways.clear();
        GatewayInteropTest.await(() -> topology.namespaces().stream().allMatch(ns -> ns.pids().isEmpty()),
                "the peers' processes to end: " + topology.namespaces());
    }
}
