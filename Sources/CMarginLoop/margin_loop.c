#include "CMarginLoop.h"

static int64_t div_floor(__int128 a, __int128 b) {
    __int128 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    return (int64_t)q;
}

static int64_t div_ceil(__int128 a, __int128 b) { return -div_floor(-a, b); }

size_t cml_count_liquidatable(const int64_t *collateral_e6, const int64_t *size_e8, const int64_t *entry_e8, size_t count,
                              int64_t mark_e8, const cml_bracket *brackets, size_t bracket_count) {
    size_t liquidatable = 0;
    for (size_t i = 0; i < count; i++) {
        int64_t size = size_e8[i];
        // Unrealised PnL, rounded down (against the trader): e8 * e8 = e16, to e6.
        int64_t pnl = div_floor((__int128)size * (mark_e8 - entry_e8[i]), 10000000000LL);
        int64_t equity = collateral_e6[i] + pnl;
        // Notional at the mark, rounded up; its bracket; maintenance rounded up.
        int64_t magnitude = size < 0 ? -size : size;
        int64_t notional = div_ceil((__int128)magnitude * mark_e8, 10000000000LL);
        size_t b = 0;
        while (b + 1 < bracket_count && notional >= brackets[b + 1].notional_floor_e6) b++;
        int64_t maintenance = div_ceil((__int128)notional * brackets[b].maintenance_rate_ppm, 1000000) - brackets[b].maintenance_amount_e6;
        if (maintenance > 0 && equity < maintenance) liquidatable++;
    }
    return liquidatable;
}
