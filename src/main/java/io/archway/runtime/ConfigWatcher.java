package io.archway.runtime;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file's directory on its own thread and reloads once the directory has been quiet
 * for {@link #QUIET}: an editor's save (write, or write-then-rename) or a Kubernetes ConfigMap swap (a
 * symlink flip) is several events, and one reload is wanted. Every event counts, not only those naming
 * the file, because the swaps rename other entries; the store compares content, so extra events and the
 * gateway's own writes cost one read and change nothing.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    static final Duration QUIET = Duration.ofMillis(150);

    private final ConfigStore store;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean running = true;

    private ConfigWatcher(ConfigStore store, Path dir) throws IOException {
        this.store = store;
        this.watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::loop, "archway-config-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching the store's file; null (after a warning) when the directory cannot be watched. */
    static ConfigWatcher start(ConfigStore store) {
        Path file = store.file();
        if (file == null) {
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            return new ConfigWatcher(store, dir);
        } catch (IOException e) {
            log.warn("cannot watch {} for changes ({}); SIGHUP still reloads", dir, e.toString());
            return null;
        }
    }

    private void loop() {
        try {
            while (running) {
                WatchKey key = watcher.take();
                drain(key);
                // Debounce: wait until no event has arrived for QUIET, then read the file once.
                WatchKey more;
                while ((more = watcher.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                if (running) {
                    store.reloadFile();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closing.
        } catch (RuntimeException e) {
            log.error("config watcher stopped; SIGHUP still reloads", e);
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() {
        running = false;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the watch service: {}", e.toString());
        }
        thread.interrupt();
    }
}
