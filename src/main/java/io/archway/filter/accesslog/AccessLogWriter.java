package io.archway.filter.accesslog;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access-log lines on its own thread. Event loops only enqueue (lock-free, no syscall); when
 * the writer falls behind by more than {@link #CAPACITY} lines, new lines are dropped and counted
 * rather than ever blocking a request.
 */
public final class AccessLogWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLogWriter.class);
    static final int CAPACITY = 65_536;

    private final Queue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream out;
    private final boolean closeOut;
    private final Thread thread;
    private volatile boolean running = true;

    private AccessLogWriter(OutputStream out, boolean closeOut, String name) {
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.closeOut = closeOut;
        this.thread = new Thread(this::drainLoop, "archway-access-log-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Opens the writer for a file (appended to, created if missing), or stdout when file is null. */
    public static AccessLogWriter open(@Nullable String file) {
        if (file == null) {
            return new AccessLogWriter(new FileOutputStream(FileDescriptor.out), false, "stdout");
        }
        try {
            Path path = Path.of(file);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            OutputStream os = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return new AccessLogWriter(os, true, path.getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot open access log " + file + ": " + e.getMessage(), e);
        }
    }

    public void submit(AccessLogEntry entry) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(entry);
    }

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    private void drainLoop() {
        StringBuilder sb = new StringBuilder(512);
        long reportedDrops = 0;
        while (running || !queue.isEmpty()) {
            AccessLogEntry e = queue.poll();
            if (e == null) {
                flush();
                long d = dropped.get();
                if (d != reportedDrops) {
                    log.warn("access log fell behind: {} lines dropped so far", d);
                    reportedDrops = d;
                }
                // Polling instead of waking: event loops never pay for a futex call per request.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                continue;
            }
            size.decrementAndGet();
            sb.setLength(0);
            e.appendJson(sb);
            sb.append('\n');
            try {
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException ex) {
                log.warn("access log write failed: {}", ex.getMessage());
            }
        }
        flush();
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException ex) {
            log.warn("access log flush failed: {}", ex.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closeOut) {
            try {
                out.close();
            } catch (IOException e) {
                log.warn("closing access log failed: {}", e.getMessage());
            }
        }
    }
}
