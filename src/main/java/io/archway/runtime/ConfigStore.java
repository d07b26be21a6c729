package io.archway.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.archway.config.ConfigException;
import io.archway.config.ConfigPath;
import io.archway.config.GatewayConfig;
import io.archway.config.Interpolator;
import io.archway.config.LoadedConfig;
import io.archway.config.Problems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running config and every way to change it: the admin API, a file edit, SIGHUP. Each change is
 * checked by the same {@link Configs#parse} that {@code run} and {@code validate} use, compiled into a
 * snapshot, written to the config file (file mode), and only then put in force, so the file and the
 * running gateway never disagree. Changes are serialised: two admin calls at once both land, in turn.
 *
 * <p>Admin changes edit the config as written ({@link LoadedConfig#written()}), so what is written back
 * keeps {@code ${NAME}} references; comments in the file are not kept.
 */
public final class ConfigStore {
    private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

    /** What applies a validated config: compile (may fail) and put in force. */
    interface Applier {
        Snapshot prepare(GatewayConfig config);

        void install(Snapshot snapshot);

        void counted(boolean applied);
    }

    /** Edits a copy of the config as written; may refuse with a ChangeException (404, 409...). */
    @FunctionalInterface
    public interface Edit {
        JsonNode apply(JsonNode written) throws ChangeException;
    }

    /** What a file reload did. */
    public enum Reload { APPLIED, UNCHANGED, REJECTED, UNREADABLE }

    private final Object lock = new Object();
    private final Applier applier;
    private final @Nullable Path file;
    private final Interpolator env;
    private volatile LoadedConfig current;
    private volatile long version = 1;
    /** The hash of the file content the running config came from, or that this store wrote. */
    private byte @Nullable [] fileHash;
    /** The last file content refused, so that an unchanged bad file is not reported again on every event. */
    private byte @Nullable [] rejectedHash;

    ConfigStore(LoadedConfig initial, @Nullable Path file, Interpolator env, Applier applier) {
        this.current = initial;
        this.file = file;
        this.env = env;
        this.applier = applier;
        if (file != null) {
            try {
                fileHash = sha256(Files.readAllBytes(file));
            } catch (IOException e) {
                log.warn("cannot read {} to watch it: {}", file, e.toString());
            }
        }
    }

    public LoadedConfig current() {
        return current;
    }

    /** Starts at 1 and goes up by one with every change applied. */
    public long version() {
        return version;
    }

    public @Nullable Path file() {
        return file;
    }

    /** Applies an edit of the config as written; returns the config now in force. */
    public LoadedConfig change(Edit edit, boolean deleting) throws ChangeException {
        synchronized (lock) {
            JsonNode edited = edit.apply(current.written().deepCopy());
            return commit(ConfigYaml.render(edited), "admin change", deleting ? 409 : 400, true);
        }
    }

    /** Replaces the whole config with this YAML text (kept as it is, comments too, in the file). */
    public LoadedConfig replace(String yaml) throws ChangeException {
        synchronized (lock) {
            return commit(yaml, "admin change", 400, true);
        }
    }

    /** Replaces the whole config with a tree (a JSON body), written to the file as YAML. */
    public LoadedConfig replace(JsonNode tree) throws ChangeException {
        synchronized (lock) {
            return commit(ConfigYaml.render(tree), "admin change", 400, true);
        }
    }

    /** Checks a whole config as {@link #replace} would, without applying it. */
    public void validate(String yaml) throws ChangeException {
        LoadedConfig running = current;
        LoadedConfig next = parse(yaml, "config", 400);
        Problems restart = restartOnly(running.config(), next.config());
        if (!restart.isEmpty()) {
            throw ChangeException.invalid(restart.lines());
        }
    }

    public void validate(JsonNode tree) throws ChangeException {
        validate(ConfigYaml.render(tree));
    }

    /**
     * Reads the config file again (a file edit or SIGHUP) and applies it if it is valid and differs from
     * what is running; an invalid file is logged with its problems and the running config stays.
     */
    public Reload reloadFile() {
        if (file == null) {
            return Reload.UNCHANGED;
        }
        synchronized (lock) {
            byte[] bytes;
            String text;
            try {
                bytes = Files.readAllBytes(file);
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                log.error("{} is not UTF-8 text; keeping the running config", file);
                applier.counted(false);
                return Reload.REJECTED;
            } catch (IOException e) {
                // Mid-rename, or deleted on purpose: the next event (or SIGHUP) tries again.
                log.warn("cannot read {}: {}; keeping the running config", file, e.toString());
                return Reload.UNREADABLE;
            }
            byte[] hash = sha256(bytes);
            if (Arrays.equals(hash, fileHash) || Arrays.equals(hash, rejectedHash)) {
                return Reload.UNCHANGED;
            }
            try {
                commit(text, file.toString(), 400, false);
                fileHash = hash;
                rejectedHash = null;
                log.info("reloaded {} (config version {})", file, version);
                return Reload.APPLIED;
            } catch (ChangeException e) {
                rejectedHash = hash;
                log.error("{} was not applied; keeping the running config ({}):\n  {}", file, e.error(),
                        String.join("\n  ", e.details()));
                return Reload.REJECTED;
            }
        }
    }

    /** Parse, check, compile, persist, swap: every step before the swap may refuse, leaving all as it was. */
    private LoadedConfig commit(String yaml, String source, int invalidStatus, boolean persist) throws ChangeException {
        try {
            LoadedConfig next = parse(yaml, source, invalidStatus);
            Problems restart = restartOnly(current.config(), next.config());
            if (!restart.isEmpty()) {
                throw new ChangeException(invalidStatus, "invalid_config", restart.lines());
            }
            Snapshot snapshot;
            try {
                snapshot = applier.prepare(next.config());
            } catch (RuntimeException e) {
                throw new ChangeException(invalidStatus, "invalid_config", List.of(String.valueOf(e.getMessage())));
            }
            if (persist && file != null) {
                write(yaml.getBytes(StandardCharsets.UTF_8));
            }
            applier.install(snapshot);
            current = next;
            version++;
            applier.counted(true);
            return next;
        } catch (ChangeException e) {
            applier.counted(false);
            throw e;
        }
    }

    private LoadedConfig parse(String yaml, String source, int invalidStatus) throws ChangeException {
        try {
            return Configs.parse(yaml, source, env);
        } catch (ConfigException e) {
            throw new ChangeException(invalidStatus, "invalid_config", e.problems());
        }
    }

    /**
     * Listeners are bound once: a change of address would leave the config saying one thing and the
     * sockets another, so it is refused and takes a restart.
     */
    private static Problems restartOnly(GatewayConfig running, GatewayConfig next) {
        Problems p = new Problems();
        ConfigPath root = ConfigPath.root();
        if (!running.listen().equals(next.listen())) {
            p.add(root.field("listen"), next.listen() + " (expected: " + running.listen()
                    + ", the addresses in use; listeners change only at restart)");
        }
        if (!running.admin().listen().equals(next.admin().listen())) {
            p.add(root.field("admin").field("listen"), next.admin().listen() + " (expected: "
                    + running.admin().listen() + ", the address in use; listeners change only at restart)");
        }
        List<?> tlsRunning = running.tls() == null ? List.of() : running.tls().listen();
        List<?> tlsNext = next.tls() == null ? List.of() : next.tls().listen();
        if (!tlsRunning.equals(tlsNext)) {
            p.add(root.field("tls").field("listen"), tlsNext + " (expected: " + tlsRunning
                    + ", the addresses in use; listeners change only at restart)");
        }
        return p;
    }

    /**
     * Write + fsync a temporary file beside the config, then rename it over the config: a reader (or a
     * crash) sees the old file or the new one, never half of one. The hash is recorded first, so the
     * watcher knows the write is ours.
     */
    private void write(byte[] bytes) throws ChangeException {
        Path path = file;
        try {
            Path real = Files.exists(path) ? path.toRealPath() : path.toAbsolutePath();
            Path dir = real.getParent();
            Path tmp = Files.createTempFile(dir, "." + real.getFileName() + ".", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                keepPermissions(real, tmp);
                fileHash = sha256(bytes);
                rejectedHash = null;
                Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ChangeException(500, "write_failed",
                    List.of(path + ": cannot be written (" + e + "); the change was not applied"));
        }
    }

    private static void keepPermissions(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            Set<PosixFilePermission> perms = view.readAttributes().permissions();
            Files.setPosixFilePermissions(to, perms);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
