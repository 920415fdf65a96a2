package io.tokenport.cli.models;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Download progress on stderr: percent, MiB done of the total, speed and time left.
 *
 * <p>On a terminal it redraws one line in place ({@code \r}) at most {@link #REDRAW_NANOS} apart; otherwise (a log
 * file, a CI console) it prints a plain line every {@link #PLAIN_NANOS}, so a log shows the download moving without
 * thousands of lines. Speed counts only the bytes this run fetched, not those resumed from an earlier run. The clock
 * is injected so tests can drive time.
 */
public final class ProgressBar {
    static final long REDRAW_NANOS = 200_000_000L;
    static final long PLAIN_NANOS = 5_000_000_000L;
    private static final int WIDTH = 24;
    private static final double MIB = 1024.0 * 1024.0;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final long startBytes;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long lastDrawNanos;
    private int lastLength;

    /**
     * @param label      what is being downloaded (a file name)
     * @param total      the full size in bytes, or -1 when the server did not say
     * @param startBytes bytes already there when this run began (a resumed download)
     * @param terminal   whether {@code out} is a terminal that understands {@code \r}
     */
    public ProgressBar(PrintWriter out, String label, long total, long startBytes, boolean terminal,
                       LongSupplier nanoClock) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.startBytes = startBytes;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /** Whether this process's stderr is probably an interactive terminal. */
    public static boolean stderrIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Reports that {@code done} bytes are on disk; draws only when the last drawing is old enough. */
    public void update(long done) {
        long now = nanoClock.getAsLong();
        if (now - lastDrawNanos >= (terminal ? REDRAW_NANOS : PLAIN_NANOS)) {
            lastDrawNanos = now;
            draw(done, now);
        }
    }

    /** Draws the final state and ends the line. */
    public void finish(long done) {
        draw(done, nanoClock.getAsLong());
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    private void draw(long done, long now) {
        String line = line(done, now);
        if (terminal) {
            // Pad over the tail of a longer earlier line.
            out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The text of one progress line, e.g. {@code m.gguf  42% [#####.....] 201.3/468.6 MiB  12.4 MiB/s  ETA 0:21}. */
    String line(long done, long now) {
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - startBytes) / seconds : 0;
        StringBuilder s = new StringBuilder(96).append(label).append("  ");
        if (total > 0) {
            int percent = (int) Math.min(100, done * 100 / total);
            s.append(String.format(Locale.ROOT, "%3d%% ", percent));
            if (terminal) {
                int filled = (int) Math.min(WIDTH, done * WIDTH / total);
                s.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
            }
            s.append(String.format(Locale.ROOT, "%.1f/%.1f MiB", done / MIB, total / MIB));
        } else {
            s.append(String.format(Locale.ROOT, "%.1f MiB", done / MIB));
        }
        s.append(String.format(Locale.ROOT, "  %.1f MiB/s", rate / MIB));
        if (total > 0 && done < total) {
            s.append("  ETA ").append(rate > 0 ? duration((long) Math.ceil((total - done) / rate)) : "--:--");
        }
        return s.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour up. */
    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
