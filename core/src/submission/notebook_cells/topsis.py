# TOPSIS on the raw evidence (not the scored values, so its agreement is not
# circular), over the designs that meet the hard requirements.


def topsis(result):
    table = result["scoring"]["table"]
    feasible = [not m for m in MISSES]
    ranked = [i for i in range(len(OPTIONS)) if feasible[i] or not any(feasible)]
    weighted = {i: [] for i in ranked}
    for row in table:
        norm = math.sqrt(sum(row["raw"][i] * row["raw"][i] for i in ranked))
        for i in ranked:
            weighted[i].append(row["weight"] * row["raw"][i] / norm if norm > 0 else 0.0)
    targets = []
    for k, row in enumerate(table):
        column = [weighted[i][k] for i in ranked]
        best, worst = (max(column), min(column)) if row["higher_is_better"] else (min(column), max(column))
        targets.append((best, worst))
    closeness = {}
    for i in ranked:
        d_plus = math.sqrt(sum((v - best) * (v - best) for v, (best, _) in zip(weighted[i], targets)))
        d_minus = math.sqrt(sum((v - worst) * (v - worst) for v, (_, worst) in zip(weighted[i], targets)))
        closeness[i] = d_minus / (d_plus + d_minus) if d_plus + d_minus > 0 else 1.0
    return closeness


def check_topsis(result):
    recorded = result["scoring"]["topsis"]
    closeness = topsis(result)
    expect("scoring.topsis.closeness (options)", [c["option"] for c in recorded["closeness"]], [OPTIONS[i] for i in closeness], "the feasible designs")
    for j, (i, c) in enumerate(closeness.items()):
        expect(f"scoring.topsis.closeness[{j}].value", recorded["closeness"][j]["value"], c, "TOPSIS on the raw values")
    best = sorted(closeness, key=lambda i: (-closeness[i], i))[0]
    expect("scoring.topsis.winner", recorded["winner"], OPTIONS[best], "the highest closeness")
    expect("scoring.topsis.agrees_with_weighted_sum", recorded["agrees_with_weighted_sum"], OPTIONS[best] == result["scoring"]["winner"], "comparing the two winners")
    print(recorded["note"])


check_topsis(RESULT)
