package dev.v6platform.testing;

import java.util.ArrayList;
import java.util.List;

/** A line diff for readable snapshot failures: changed lines with two lines of context, numbered. */
public final class TextDiff {
    private static final int CONTEXT = 2;
    private static final int MAX_LINES = 80;

    private TextDiff() {
    }

    public static String unified(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                ops.add("  " + (i + 1) + "  " + a.get(i));
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                ops.add("+ " + (j + 1) + "  " + b.get(j));
                j++;
            } else {
                ops.add("- " + (i + 1) + "  " + a.get(i));
                i++;
            }
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        int lastPrinted = -1;
        for (int k = 0; k < ops.size() && shown < MAX_LINES; k++) {
            boolean near = false;
            for (int d = -CONTEXT; d <= CONTEXT; d++) {
                int n = k + d;
                if (n >= 0 && n < ops.size() && !ops.get(n).startsWith("  ")) {
                    near = true;
                }
            }
            if (near) {
                if (lastPrinted >= 0 && k > lastPrinted + 1) {
                    out.append("  ...\n");
                }
                out.append(ops.get(k)).append('\n');
                lastPrinted = k;
                shown++;
            }
        }
        if (shown >= MAX_LINES) {
            out.append("  ... (diff cut at ").append(MAX_LINES).append(" lines)\n");
        }
        return out.toString();
    }
}
