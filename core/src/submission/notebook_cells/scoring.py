# The scoring rule of core/src/models/scoring.rs in Python: each criterion's
# raw value is re-derived from the evidence above, scored on its fixed scale,
# weighted and ranked, feasibility first. Every recorded number is checked.


def read(u, rule):
    """The utilisation read to the rule's resolution (nearest step, half up)."""
    step = rule["resolution"]
    return math.floor(u / step + 0.5) * step if step > 0 else u


def threshold_value(u, rule):
    """1 up to 1 - headroom of the threshold, value_at_threshold at it, 0 at
    zero_at_utilisation, linear in between."""
    u = read(u, rule)
    h, v1, z = rule["headroom"], rule["value_at_threshold"], rule["zero_at_utilisation"]
    if u <= 1.0 - h:
        return 1.0
    if u <= 1.0:
        return 1.0 - (1.0 - v1) * (u - (1.0 - h)) / h
    return v1 * max(0.0, 1.0 - (u - 1.0) / (z - 1.0))


def utilisation(scale, raw):
    """The share of its threshold a raw value uses (None without one)."""
    if scale["kind"] == "at_most":
        return raw / scale["limit"]
    if scale["kind"] == "at_least_share":
        return (1.0 - raw) / (1.0 - scale["limit"])
    return None


def scale_value(scale, raw, rule):
    """A raw value's value in [0, 1] on its scale."""
    kind = scale["kind"]
    if kind in ("at_most", "at_least_share"):
        return threshold_value(utilisation(scale, raw), rule)
    if kind == "share":
        return min(1.0, max(0.0, raw))
    if kind == "fraction_of":
        return min(1.0, max(0.0, 1.0 - raw / scale["reference"]))
    if kind == "half_life":
        return 2.0 ** (-max(0.0, raw - scale["best"]) / scale["half_life"])
    raise ValueError(f"unknown scale {kind}")


def fresh_share(review, makespan_s):
    """Share of events still within the freshness SLA at publish: lag is
    LogNormal(median, sigma), plus the p50 makespan."""
    w = review["workload"]
    slack = w["freshness_sla_s"] - makespan_s
    if slack <= 0:
        return 0.0
    if w["freshness_sigma"] <= 0:
        return 1.0 if w["freshness_median_s"] <= slack else 0.0
    z = (math.log(slack) - math.log(w["freshness_median_s"])) / w["freshness_sigma"]
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def operational_complexity(design):
    """Moving parts: 1 + log2(nodes) + 2 per extra region + 1 per extra cache
    tier + 1 when checkpointing + 0.5 for salted keys."""
    return (
        1.0
        + math.log2(max(design["nodes"], 1))
        + 2.0 * max(design["regions"] - 1, 0)
        + (1.0 if design["warm_cache"] is not None else 0.0)
        + (0.0 if design["checkpoint"] == "never" else 1.0)
        + (0.5 if isinstance(design["partitioning"], dict) and "salted_hot_keys" in design["partitioning"] else 0.0)
    )


def expected_scales(review):
    """Each criterion's scale, from the review's SLA and the documented
    yardsticks."""
    deadline = review["sla"]["deadline_s"]
    return {
        # The share of the deadline's threshold used (see raw_criteria): at
        # most 1, hard.
        "deadline": {"kind": "at_most", "limit": 1.0, "hard": True},
        "cost": {"kind": "at_most", "limit": max(review["sla"]["budget_per_run_usd"], 2.2250738585072014e-308), "hard": True},
        "resilience": {"kind": "fraction_of", "reference": deadline},
        "data_quality_lineage": {"kind": "share"},
        "access_risk": {"kind": "at_most", "limit": POLICY_FAILURE_RATE_KPI, "hard": False},
        "operational_complexity": {"kind": "half_life", "best": 1.0, "half_life": COMPLEXITY_HALF_LIFE_POINTS},
    }


def raw_criteria(result):
    """Each criterion's raw value per alternative, with the evidence it is
    read from."""
    review = result["reproducibility"]["review"]
    profile = result["profile"]
    quality = profile["quality"]
    clean = 1.0 - min(1.0, quality["null_rate"] + quality["out_of_range_rate"])
    base = profile["lineage"]["completeness"] * clean
    accesses = profile["access"]["deny_overrides"]["events"]
    raw = {key: [] for key in expected_scales(review)}
    for i, (p, alternative) in enumerate(zip(result["projections"], review["alternatives"])):
        design = alternative["design"]
        mode = design["policy_mode"]
        # The larger of p95 / deadline and P(miss) / tolerance: above 1 the
        # design misses the SLA's deadline.
        tiny = 2.2250738585072014e-308
        used = max(
            p["makespan_p95_s"] / max(review["sla"]["deadline_s"], tiny),
            p["p_miss_deadline"] / max(review["sla"]["miss_tolerance"], tiny),
        )
        raw["deadline"].append(
            (used, f"max(projections[{i}].makespan_p95_s / sla.deadline_s, projections[{i}].p_miss_deadline / sla.miss_tolerance)")
        )
        raw["cost"].append((p["cost_per_run_usd"], f"projections[{i}].cost_per_run_usd"))
        raw["resilience"].append((p["failures"]["mttr_s"], f"projections[{i}].failures.mttr_s"))
        quality_share = base * fresh_share(review, p["makespan_p50_s"]) * (1.0 - p["cache"]["stale_read_rate"])
        raw["data_quality_lineage"].append(
            (quality_share, f"profile.lineage.completeness × clean share × fresh share at projections[{i}].makespan_p50_s × (1 − projections[{i}].cache.stale_read_rate)")
        )
        violations = profile["access"][mode]["violations"]
        raw["access_risk"].append(
            (violations / accesses if accesses else 0.0, f"profile.access.{mode}.violations / profile.access.deny_overrides.events")
        )
        raw["operational_complexity"].append(
            (operational_complexity(design), f"reproducibility.review.alternatives[{i}].design")
        )
    return raw


def rank(feasible, totals):
    """Feasible first, then the highest total; ties keep review order."""
    return sorted(range(len(totals)), key=lambda i: (not feasible[i], -totals[i], i))


def score(result, rule, scales, weights):
    """Values, totals, feasibility and ranking of the alternatives."""
    raw = raw_criteria(result)
    ids = [row["id"] for row in result["scoring"]["table"]]
    n = len(result["projections"])
    values = [[scale_value(scales[c], raw[c][i][0], rule) for c in ids] for i in range(n)]
    totals = [sum(w * v for w, v in zip(weights, row)) for row in values]
    misses = [
        [c for c in ids if scales[c].get("hard") and utilisation(scales[c], raw[c][i][0]) > 1.0]
        for i in range(n)
    ]
    feasible = [not m for m in misses]
    return values, totals, misses, rank(feasible, totals)


def check_scoring(result):
    scoring = result["scoring"]
    review = result["reproducibility"]["review"]
    rule, table = scoring["rule"], scoring["table"]
    scales = expected_scales(review)
    raw = raw_criteria(result)
    weight_sum = sum(review["weights"].values())
    weights = [review["weights"][row["id"]] / weight_sum for row in table]
    values, totals, misses, ranking = score(result, rule, scales, weights)
    for k, row in enumerate(table):
        at = f"scoring.table[{k}] ({row['id']})"
        expect(f"{at}.weight", row["weight"], weights[k], f"reproducibility.review.weights.{row['id']} / the sum of the weights")
        expect(f"{at}.scale", row["scale"], scales[row["id"]], "the review's SLA and the documented yardsticks")
        for i in range(len(OPTIONS)):
            value, source = raw[row["id"]][i]
            expect(f"{at}.raw[{i}]", row["raw"][i], value, source)
            u = utilisation(row["scale"], value)
            if u is None:
                expect(f"{at}.utilisation[{i}]", row["utilisation"][i], None, "a scale without a threshold")
            else:
                expect(f"{at}.utilisation[{i}]", row["utilisation"][i], u, "raw / threshold")
            expect(f"{at}.value[{i}]", row["value"][i], values[i][k], f"the {row['scale']['kind']} scale")
    for i, total in enumerate(scoring["totals"]):
        expect(f"scoring.totals[{i}].value", total["value"], totals[i], "the weighted sum of the values")
        expect(f"scoring.feasibility[{i}].misses", scoring["feasibility"][i]["misses"], misses[i], "the hard thresholds")
    expect("scoring.ranking", scoring["ranking"], [OPTIONS[i] for i in ranking], "feasible first, then the total")
    expect("scoring.winner", scoring["winner"], OPTIONS[ranking[0]], "the first of the ranking")
    return values, totals, misses


VALUES, TOTALS, MISSES = check_scoring(RESULT)
print(f"Scoring table re-derived: {len(CHECKED)} fields agree; winner {RESULT['scoring']['winner']}.")
