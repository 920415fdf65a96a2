package io.tokenport.cli.models;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    private static final long MIB = 1 << 20;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final StringWriter out = new StringWriter();

    private ProgressBar bar(long total, long start, boolean terminal) {
        return new ProgressBar(new PrintWriter(out), "m.gguf", total, start, terminal, now::get);
    }

    @Test
    void aLineShowsPercentMibSpeedAndTimeLeft() {
        ProgressBar bar = bar(100 * MIB, 0, false);
        now.addAndGet(10 * SECOND);

        assertThat(bar.line(25 * MIB, now.get())).isEqualTo("m.gguf   25% 25.0/100.0 MiB  2.5 MiB/s  ETA 0:30");
    }

    @Test
    void theTerminalLineHasABar() {
        ProgressBar bar = bar(100 * MIB, 0, true);
        now.addAndGet(SECOND);

        assertThat(bar.line(50 * MIB, now.get()))
                .isEqualTo("m.gguf   50% [############............] 50.0/100.0 MiB  50.0 MiB/s  ETA 0:01");
    }

    @Test
    void speedCountsOnlyTheBytesOfThisRun() {
        ProgressBar bar = bar(100 * MIB, 60 * MIB, false);
        now.addAndGet(4 * SECOND);

        assertThat(bar.line(80 * MIB, now.get())).endsWith("80.0/100.0 MiB  5.0 MiB/s  ETA 0:04");
    }

    @Test
    void anUnknownTotalShowsBytesAndSpeedOnly() {
        ProgressBar bar = bar(-1, 0, false);
        now.addAndGet(2 * SECOND);

        assertThat(bar.line(3 * MIB, now.get())).isEqualTo("m.gguf  3.0 MiB  1.5 MiB/s");
    }

    @Test
    void plainOutputPrintsALineEveryFewSecondsNotPerChunk() {
        ProgressBar bar = bar(100 * MIB, 0, false);
        for (int i = 1; i <= 100; i++) {
            now.addAndGet(SECOND / 10);
            bar.update(i * MIB);
        }
        bar.finish(100 * MIB);

        // 10 s of updates: one line per 5 s, then the final one.
        assertThat(out.toString().lines()).hasSize(3);
        assertThat(out.toString().lines().toList().getLast()).isEqualTo("m.gguf  100% 100.0/100.0 MiB  10.0 MiB/s");
        assertThat(out.toString()).doesNotContain("\r");
    }

    @Test
    void aTerminalRedrawsOneLineInPlace() {
        ProgressBar bar = bar(10 * MIB, 0, true);
        for (int i = 1; i <= 10; i++) {
            now.addAndGet(SECOND / 4);
            bar.update(i * MIB);
        }
        bar.finish(10 * MIB);

        String text = out.toString();
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
        assertThat(text.chars().filter(c -> c == '\r').count()).isEqualTo(11);
        assertThat(text).endsWith("[########################] 10.0/10.0 MiB  4.0 MiB/s" + System.lineSeparator());
    }

    @Test
    void durationsReadAsClockTimes() {
        assertThat(ProgressBar.duration(0)).isEqualTo("0:00");
        assertThat(ProgressBar.duration(75)).isEqualTo("1:15");
        assertThat(ProgressBar.duration(3 * 3600 + 61)).isEqualTo("3:01:01");
    }
}
