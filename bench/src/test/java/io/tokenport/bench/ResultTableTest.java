package io.tokenport.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTableTest {
    private static final BenchModel Q4_0 = new BenchModel("100m", "Q4_0");
    private static final BenchModel Q8_0 = new BenchModel("100m", "Q8_0");
    private static final Timing SOME = new Timing(100, 50, 40, 120, null);

    @Test
    void namesTheModelsWhoseWeightsLlamaCppRepacked() {
        ResultTable table = new ResultTable(128, 64, 8);
        table.add(Q8_0, 1 << 20, SOME, SOME, List.of());
        table.add(Q4_0, 1 << 20, SOME, SOME, List.of("q4_0_8x8"));

        assertThat(table.markdown()).contains("llama.cpp repacked weights at load")
                .contains(": 100m-Q4_0 into q4_0_8x8.").doesNotContain("100m-Q8_0 into");
    }

    @Test
    void saysNothingOfRepackingWhenLlamaCppUsedTheFilesLayout() {
        ResultTable table = new ResultTable(128, 64, 8);
        table.add(Q8_0, 1 << 20, SOME, SOME, List.of());

        assertThat(table.markdown()).doesNotContain("repacked");
    }

    @Test
    void leavesOutTheBatchedColumnsWhenNoBatchRan() {
        ResultTable without = new ResultTable(128, 64, 0);
        without.add(Q8_0, 1 << 20, SOME, SOME, List.of());
        ResultTable with = new ResultTable(128, 64, 8);
        with.add(Q8_0, 1 << 20, SOME, SOME, List.of());

        String[] header = without.markdown().lines().toArray(String[]::new);
        assertThat(header[0]).endsWith("| tg64 ratio |").doesNotContain("x0");
        assertThat(header[1].chars().filter(c -> c == '|').count())
                .isEqualTo(header[0].chars().filter(c -> c == '|').count());
        assertThat(header[2]).isEqualTo("| llama-100m | 110M | Q8_0 | 1 | 100 | 100 | 1.00 | 50.0 | 50.0 | 1.00 |");
        assertThat(with.markdown().lines().findFirst().orElseThrow()).contains("| x8/x1 tokenport |");
        assertThat(with.markdown()).contains("| 40.0 | 120 | 3.00 |");
    }

    @Test
    void readsTheRepackLayoutOffLlamaCppsLogLine() {
        assertThat(LlamaCpp.repackLayout("repack: repack tensor blk.0.attn_q.weight with q4_0_8x8\n"))
                .isEqualTo("q4_0_8x8");
        assertThat(LlamaCpp.repackLayout(".repack: repack tensor output.weight with q4_0_8x8")).isEqualTo("q4_0_8x8");
        assertThat(LlamaCpp.repackLayout("load_tensors:   CPU_Mapped model buffer size =   58.82 MiB\n")).isNull();
        assertThat(LlamaCpp.repackLayout("repack tensor blk.0.attn_q.weight")).isNull();
    }
}
