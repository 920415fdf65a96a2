package io.tokenport.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for terminals: a header, a rule, left-aligned text and right-aligned numbers (a cell is a
 * number when it parses as one), columns as wide as their widest cell.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        columns = header.length;
        rows.add(header);
    }

    /** Adds a row; it must have one cell per column. */
    Table row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of this table has " + columns + " cells, got " + cells.length);
        }
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                boolean right = i > 0 && isNumber(r[c]);
                String pad = " ".repeat(width[c] - r[c].length());
                line.append(right ? pad + r[c] : r[c] + (c == columns - 1 ? "" : pad));
            }
            out.println(line.toString().stripTrailing());
            if (i == 0) {
                StringBuilder rule = new StringBuilder();
                for (int c = 0; c < columns; c++) {
                    rule.append(c > 0 ? "  " : "").append("-".repeat(width[c]));
                }
                out.println(rule);
            }
        }
        out.flush();
    }

    private static boolean isNumber(String s) {
        return s.matches("-?[0-9][0-9,]*(\\.[0-9]+)?");
    }
}
