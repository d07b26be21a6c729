package io.archway.upstream;

import io.archway.config.HostPort;
import io.archway.config.UpstreamConfig;
import io.archway.config.UpstreamConfig.ActiveCheck;
import io.archway.config.UpstreamConfig.PassiveCheck;
import io.archway.upstream.balancer.Balancer;
import io.archway.upstream.balancer.ConsistentHashBalancer;
import io.archway.upstream.balancer.EwmaBalancer;
import io.archway.upstream.balancer.IpHashBalancer;
import io.archway.upstream.balancer.LeastConnectionsBalancer;
import io.archway.upstream.balancer.LeastRequestBalancer;
import io.archway.upstream.balancer.RandomBalancer;
import io.archway.upstream.balancer.RoundRobinBalancer;
import io.archway.upstream.health.HttpHealthChecker;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named set of targets at run time: its balancer, the targets' health and the snapshot the balancer
 * reads, its circuit breaker and retry budget, and the active checker and DNS discovery that feed it.
 * Every piece of load-balancing state lives here (or in the targets it owns), so the gateway may keep
 * an upstream across config reloads while its config is unchanged, and {@link #close()} it otherwise.
 *
 * <p>Threads: the proxy reports outcomes from every event loop ({@link #onSuccess}, {@link #onFailure});
 * timers, active checks and DNS refreshes run on the upstream's home loop; snapshots are built one at a
 * time ({@link #publishNow()}), so a slow builder can never publish an older view over a newer one.
 */
public final class Upstream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final UpstreamConfig config;
    private final LongSupplier clock;
    private final EventLoop home;
    private final Balancer balancer;
    private final @Nullable CircuitBreaker breaker;
    private final RetryBudget retryBudget = new RetryBudget();
    private final long slowStartNanos;
    private final AtomicInteger mirrorsInFlight = new AtomicInteger();
    private volatile List<Target> targets;
    private volatile TargetSnapshot snapshot;
    private @Nullable HttpHealthChecker checker;
    private @Nullable DnsDiscovery discovery;
    /** Guarded by this: a slow-start re-publish is already scheduled. */
    private boolean rampScheduled;
    private volatile boolean closed;

    public Upstream(UpstreamConfig config, UpstreamEnv env) {
        this.config = config;
        this.clock = env.nanoClock();
        this.home = env.loops().next();
        this.slowStartNanos = config.slowStart().toNanos();
        List<Target> list = new ArrayList<>();
        for (UpstreamConfig.TargetConfig t : config.targets()) {
            list.add(new Target(t.address(), t.weight()));
        }
        this.targets = List.copyOf(list);
        this.snapshot = TargetSnapshot.allHealthy(targets);
        this.balancer = balancerFor(config, env);
        this.breaker = config.circuitBreaker() == null ? null
                : new CircuitBreaker(config.name(), config.circuitBreaker(),
                        config.timeouts().connect().plus(config.timeouts().response()));
        ActiveCheck active = config.healthCheck().active();
        if (active != null) {
            checker = new HttpHealthChecker(active, home, () -> targets, this::onProbe);
            checker.start();
        }
        if (config.discovery() != null) {
            discovery = new DnsDiscovery(config.name(), config.discovery(), home, env.dnsServers(), this::onDnsAnswer);
            discovery.start();
        }
    }

    private static Balancer balancerFor(UpstreamConfig config, UpstreamEnv env) {
        return switch (config.balancer()) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case LEAST_CONNECTIONS -> new LeastConnectionsBalancer();
            case LEAST_REQUEST -> new LeastRequestBalancer(env.random());
            case EWMA -> new EwmaBalancer(env.random(), env.nanoClock());
            case IP_HASH -> new IpHashBalancer();
            case CONSISTENT_HASH -> new ConsistentHashBalancer(config.hashOn() == null
                    ? new UpstreamConfig.HashOn(UpstreamConfig.HashOn.Source.IP, null) : config.hashOn());
            case RANDOM -> new RandomBalancer(env.random());
        };
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public Balancer balancer() {
        return balancer;
    }

    /** What the balancer reads now: never edited, only replaced. */
    public TargetSnapshot snapshot() {
        return snapshot;
    }

    /** Every target, healthy or not (for DNS discovery: the latest answer). */
    public List<Target> targets() {
        return targets;
    }

    /** Shared by all requests to this upstream; see {@link RetryBudget}. */
    public RetryBudget retryBudget() {
        return retryBudget;
    }

    // ---------------------------------------------------------------- what the proxy reports

    /**
     * Takes a slot for one mirrored copy sent to this (shadow) upstream; false when 1,000 are already
     * in flight, so a stuck shadow holds bounded memory and connections. Give it back with {@link #mirrorDone()}.
     */
    public boolean mirrorSlot() {
        if (mirrorsInFlight.incrementAndGet() > 1000) {
            mirrorsInFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    public void mirrorDone() {
        mirrorsInFlight.decrementAndGet();
    }

    /**
     * Whether a request may be sent now: false while the circuit breaker is open (or half-open with its
     * probe already out). Takes the half-open probe slot when it returns true.
     */
    public boolean admits() {
        return breaker == null || breaker.allow(clock.getAsLong());
    }

    /** Whether a retry may go out: not while the breaker is anything but closed. */
    public boolean admitsRetry() {
        return breaker == null || breaker.closed();
    }

    /** The target answered with a status below 500 after {@code latencyNanos}. */
    public void onSuccess(Target t, long latencyNanos) {
        long now = clock.getAsLong();
        t.latency().observe(latencyNanos, now);
        // A plain read first: the common case (no failures) writes nothing shared.
        if (t.health.passiveFailures.get() != 0) {
            t.health.passiveFailures.set(0);
        }
        if (breaker != null) {
            breaker.onSuccess(now);
        }
    }

    /**
     * The target failed: connect failure or timeout, a 5xx answer, or a connection lost before the
     * answer. {@code latencyNanos} is how long it took when that says something about the target
     * (a timeout, a 5xx), or -1.
     */
    public void onFailure(Target t, long latencyNanos) {
        if (closed) {
            // Shutting down (or replaced by a reload): the connections closing now say nothing of the target.
            return;
        }
        long now = clock.getAsLong();
        if (latencyNanos >= 0) {
            t.latency().observe(latencyNanos, now);
        }
        if (breaker != null) {
            breaker.onFailure(now);
        }
        PassiveCheck passive = config.healthCheck().passive();
        if (passive.failures() <= 0) {
            return;
        }
        TargetHealth h = t.health;
        int n = h.passiveFailures.incrementAndGet();
        long ejectFor = passive.ejectFor().toNanos();
        if (n >= passive.failures() && h.ejectedUntil.get() == 0
                && h.ejectedUntil.compareAndSet(0, nonZero(now + ejectFor))) {
            log.warn("upstream {}: target {} ejected for {} ms after {} consecutive failures",
                    config.name(), t, ejectFor / 1_000_000, n);
            // Published right here, so the very next request already avoids the target.
            publishNow();
            schedule(() -> readmit(t), ejectFor);
        }
    }

    private static long nonZero(long v) {
        return v == 0 ? 1 : v;
    }

    /** Home loop: the passive ejection of {@code t} is over. */
    private void readmit(Target t) {
        TargetHealth h = t.health;
        if (h.ejectedUntil.get() == 0) {
            return;
        }
        h.passiveFailures.set(0);
        h.upSince = nonZero(clock.getAsLong());
        h.ejectedUntil.set(0);
        if (!closed && targets.contains(t)) {
            log.info("upstream {}: target {} readmitted after its ejection", config.name(), t);
        }
        publishNow();
    }

    /** Home loop: one active check result, turned into a health change after enough in a row. */
    private void onProbe(Target t, boolean passed, String detail) {
        ActiveCheck active = config.healthCheck().active();
        if (active == null || !targets.contains(t)) {
            return;
        }
        TargetHealth h = t.health;
        if (passed) {
            h.probeFailures = 0;
            // Passing checks also end a passive ejection early (as Envoy does): a target that failed
            // traffic and then answers `healthy` checks in a row is back before eject_for is over.
            boolean ejected = h.ejectedUntil.get() != 0;
            if ((!h.activeUp || ejected) && ++h.probePasses >= active.healthy()) {
                h.probePasses = 0;
                h.upSince = nonZero(clock.getAsLong());
                h.activeUp = true;
                if (ejected) {
                    h.passiveFailures.set(0);
                    h.ejectedUntil.set(0);
                }
                log.info("upstream {}: target {} is healthy ({} checks passed)", config.name(), t, active.healthy());
                publishNow();
            }
        } else {
            h.probePasses = 0;
            if (h.activeUp && ++h.probeFailures >= active.unhealthy()) {
                h.probeFailures = 0;
                h.activeUp = false;
                log.warn("upstream {}: target {} is unhealthy ({} checks failed, last: {})", config.name(), t,
                        active.unhealthy(), detail);
                publishNow();
            }
        }
    }

    /** Home loop: a DNS answer. Known addresses keep their target (and its state), new ones slow-start. */
    private void onDnsAnswer(List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return;
        }
        int port = config.discovery().dns().port();
        Map<InetSocketAddress, Target> current = new HashMap<>();
        for (Target t : targets) {
            current.put(t.socketAddress(), t);
        }
        Map<InetSocketAddress, Target> next = new LinkedHashMap<>();
        long now = clock.getAsLong();
        boolean first = current.isEmpty();
        int added = 0;
        for (InetAddress a : addresses) {
            InetSocketAddress sa = new InetSocketAddress(a, port);
            if (next.containsKey(sa)) {
                continue;
            }
            Target t = current.get(sa);
            if (t == null) {
                t = new Target(new HostPort(a.getHostAddress(), port), 1, sa, now);
                // The first answer is the upstream starting up, not a target joining a running set.
                t.health.upSince = first ? 0 : nonZero(now);
                added++;
            }
            next.put(sa, t);
        }
        int removed = current.size() - (next.size() - added);
        if (added == 0 && removed == 0) {
            return;
        }
        List<Target> list = new ArrayList<>(next.values());
        // A stable order, so round robin and the hash ring do not reshuffle on every answer.
        list.sort(Comparator.comparing(Target::toString));
        targets = List.copyOf(list);
        log.info("upstream {}: DNS {} gives {} targets ({} added, {} removed)", config.name(),
                config.discovery().dns().host(), list.size(), added, removed);
        publishNow();
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Builds and publishes the snapshot of the current health, with slow-start weights as of now.
     * Health changes come from any event loop; the lock makes each build read the latest state and
     * publish in order, so an older view never overwrites a newer one. It is taken only on a health
     * change, a DNS answer or a slow-start step, never to pick a target.
     */
    synchronized void publishNow() {
        long now = clock.getAsLong();
        List<Target> all = targets;
        List<Target> up = new ArrayList<>(all.size());
        int[] weights = new int[all.size()];
        boolean ramping = false;
        for (Target t : all) {
            TargetHealth h = t.health;
            long until = h.ejectedUntil.get();
            if (t.weight() == 0 || !h.activeUp || (until != 0 && now - until < 0)) {
                continue;
            }
            int w = t.weight() * TargetSnapshot.UNIT;
            long since = h.upSince;
            if (slowStartNanos > 0 && since != 0) {
                long elapsed = now - since;
                if (elapsed < slowStartNanos) {
                    // Linear ramp from 1% of a weight unit to the full weight over the window.
                    w = (int) Math.max(1, (long) ((double) w * Math.max(0, elapsed) / slowStartNanos));
                    ramping = true;
                }
            }
            weights[up.size()] = w;
            up.add(t);
        }
        int[] exact = new int[up.size()];
        System.arraycopy(weights, 0, exact, 0, exact.length);
        snapshot = new TargetSnapshot(all, up, exact);
        if (ramping && !rampScheduled && !closed) {
            rampScheduled = true;
            schedule(() -> {
                synchronized (this) {
                    rampScheduled = false;
                    publishNow();
                }
            }, Math.max(TimeUnit.MILLISECONDS.toNanos(50), slowStartNanos / 50));
        }
    }

    private void schedule(Runnable task, long delayNanos) {
        try {
            home.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("upstream {}: event loop stopped, task dropped", config.name());
        }
    }

    /** Stops the active checker and DNS discovery; requests in flight finish as they are. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (checker != null) {
            checker.close();
        }
        if (discovery != null) {
            discovery.close();
        }
    }

    /** Test and admin view: the circuit breaker's state, {@code closed}, {@code open} or {@code half_open}. */
    public String breakerState() {
        if (breaker == null) {
            return "closed";
        }
        return switch (breaker.state()) {
            case CircuitBreaker.OPEN -> "open";
            case CircuitBreaker.HALF_OPEN -> "half_open";
            default -> "closed";
        };
    }
}
