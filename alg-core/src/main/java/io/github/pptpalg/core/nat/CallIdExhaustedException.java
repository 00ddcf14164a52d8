package io.github.pptpalg.core.nat;

/**
 * Thrown by {@link CallIdAllocator#allocate()} when every Call ID of its range is live or in
 * quarantine. The condition is temporary: Call IDs come back once released and out of quarantine.
 * The session layer answers such a call with a negative reply instead of failing the connection.
 */
public final class CallIdExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CallIdRange range;
    private final int liveCount;
    private final int quarantinedCount;

    /**
     * @param range            the allocator's range
     * @param liveCount        Call IDs handed out and not released
     * @param quarantinedCount Call IDs released but still in quarantine
     */
    public CallIdExhaustedException(CallIdRange range, int liveCount, int quarantinedCount) {
        super("no free Call ID in range " + range + ": " + liveCount + " live, " + quarantinedCount
                + " in quarantine (capacity: " + range.size() + ')');
        this.range = range;
        this.liveCount = liveCount;
        this.quarantinedCount = quarantinedCount;
    }

    /** The exhausted range. */
    public CallIdRange range() {
        return range;
    }

    /** Live Call IDs when the allocation failed. */
    public int liveCount() {
        return liveCount;
    }

    /** Quarantined Call IDs when the allocation failed. */
    public int quarantinedCount() {
        return quarantinedCount;
    }
}
