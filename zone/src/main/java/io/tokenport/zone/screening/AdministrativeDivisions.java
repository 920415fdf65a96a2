package io.tokenport.zone.screening;

/**
 * Plausibility of the administrative division code (GB/T 2260) that opens a resident identity number and sits in
 * positions 3 to 8 of a unified social credit code. Only the province level is checked: the full county list changes
 * every year, and an outdated list would wave through real numbers. Province codes: 11-15, 21-23, 31-37, 41-46,
 * 50-54, 61-65, 71 (Taiwan), 81 (Hong Kong), 82 (Macao); 83 opens the residence permits of Taiwan residents
 * (the 2018 measures for HK, Macao and Taiwan residents give 810000, 820000 and 830000).
 */
final class AdministrativeDivisions {
    private static final boolean[] PROVINCE = new boolean[100];

    static {
        int[][] ranges = {{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 83}};
        for (int[] r : ranges) {
            for (int p = r[0]; p <= r[1]; p++) {
                PROVINCE[p] = true;
            }
        }
    }

    private AdministrativeDivisions() {
    }

    /** Whether the two digits at {@code s[off]} and {@code s[off + 1]} are a province code. */
    static boolean isProvince(char[] s, int off) {
        int a = s[off] - '0';
        int b = s[off + 1] - '0';
        return a >= 0 && a <= 9 && b >= 0 && b <= 9 && PROVINCE[a * 10 + b];
    }

    /**
     * Whether the six digits at {@code s[off]} can be the place of household registration in an identity number:
     * a province, and below it a city or county; the permits of HK, Macao and Taiwan residents (and Taiwan's code
     * 71) carry the bare region code {@code xx0000}, every other province a city or county below it.
     */
    static boolean isPlausibleResidence(char[] s, int off) {
        if (!isProvince(s, off)) {
            return false;
        }
        for (int i = 2; i < 6; i++) {
            if (s[off + i] < '0' || s[off + i] > '9') {
                return false;
            }
        }
        boolean bare = s[off + 2] == '0' && s[off + 3] == '0' && s[off + 4] == '0' && s[off + 5] == '0';
        boolean outsideMainland = s[off] >= '7';
        return bare == outsideMainland;
    }
}
