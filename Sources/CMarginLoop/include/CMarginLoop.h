// The baseline of the margin re-evaluation benchmark (tranche-workerbench): the same maths
// as TrancheCore's MarginCalculator for single-position cross accounts, in a plain C loop
// over flat arrays. Fixed point as the core: quote e6, price and size e8, rates ppm.
#ifndef CMARGINLOOP_H
#define CMARGINLOOP_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t notional_floor_e6;
    int64_t maintenance_rate_ppm;
    int64_t maintenance_amount_e6;
} cml_bracket;

// Counts the accounts whose equity is below a positive maintenance requirement at `mark_e8`.
size_t cml_count_liquidatable(const int64_t *collateral_e6, const int64_t *size_e8, const int64_t *entry_e8, size_t count,
                              int64_t mark_e8, const cml_bracket *brackets, size_t bracket_count);

#endif
