# The robustness checks re-derived: the rule's parameter variants, each
# weight ±20 % alone, and the random weight perturbations, drawn with the
# same counter-based generator as the core (SplitMix64 of (seed, stream,
# index), core/src/rng.rs), so every perturbation is the core's own.
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
WEIGHTS_STREAM = 4


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def item_rng(seed, stream, index):
    """Uniform draws in [0, 1) for one item, as ItemRng::new(seed, stream, index)."""
    key = mix64(seed ^ ((stream * GOLDEN) & MASK))
    state = mix64((key + index * GOLDEN) & MASK)
    while True:
        state = (state + GOLDEN) & MASK
        yield (mix64(state) >> 11) * (1.0 / (1 << 53))


def winner_with(weights, values, misses):
    totals = [sum(w * v for w, v in zip(weights, row)) for row in values]
    return rank([not m for m in misses], totals)[0]


def check_sensitivity(result):
    scoring, review = result["scoring"], result["reproducibility"]["review"]
    s = scoring["sensitivity"]
    table = scoring["table"]
    base = [row["weight"] for row in table]
    raw_weights = [review["weights"][row["id"]] for row in table]
    # Rule variants: another headroom, value at the threshold, half-life.
    for j, variant in enumerate(s["rule_variants"]):
        rule = dict(scoring["rule"], headroom=variant["headroom"], value_at_threshold=variant["value_at_threshold"])
        scales = dict(expected_scales(review))
        scales["operational_complexity"] = dict(scales["operational_complexity"], half_life=variant["complexity_half_life_points"])
        _, _, _, ranking = score(result, rule, scales, base)
        expect(f"scoring.sensitivity.rule_variants[{j}].winner", variant["winner"], OPTIONS[ranking[0]], "scoring with that variant")
    winner = scoring["winner"]
    share = sum(v["winner"] == winner for v in s["rule_variants"]) / len(s["rule_variants"])
    expect("scoring.sensitivity.rule_stable_share", s["rule_stable_share"], share, "the variants' winners")
    # One weight at a time, ×0.8 and ×1.2.
    for k, one in enumerate(s["one_at_a_time"]):
        for factor, field in ((0.8, "winner_weight_minus_20"), (1.2, "winner_weight_plus_20")):
            changed = list(raw_weights)
            changed[k] *= factor
            weights = [w / sum(changed) for w in changed]
            expect(f"scoring.sensitivity.one_at_a_time[{k}].{field}", one[field], OPTIONS[winner_with(weights, VALUES, MISSES)], f"weight {one['criterion']} × {factor}")
    # Random perturbations: every weight × U[1 - spread, 1 + spread].
    wins = [0] * len(OPTIONS)
    spread = s["spread"]
    for i in range(s["perturbations"]):
        draws = item_rng(result["reproducibility"]["seed"], WEIGHTS_STREAM, i)
        perturbed = [w * (1.0 - spread + 2.0 * spread * next(draws)) for w in base]
        total = sum(perturbed)
        perturbed = [p / total for p in perturbed] if total > 0 else base
        wins[winner_with(perturbed, VALUES, MISSES)] += 1
    for i, won in enumerate(s["wins"]):
        expect(f"scoring.sensitivity.wins[{i}].value", won["value"], wins[i], "the same perturbations")
    expect("scoring.sensitivity.winner_stable_share", s["winner_stable_share"], wins[OPTIONS.index(winner)] / s["perturbations"], "the winner's wins / the perturbations")


check_sensitivity(RESULT)
print(f"Sensitivity re-derived: {len(CHECKED)} fields agree so far.")
