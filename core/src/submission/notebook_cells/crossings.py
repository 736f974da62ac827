# The crossing volumes re-derived (core/src/analysis/crossover.rs): for the
# single node (and the distributed design's limits), the volume where the
# p95 makespan passes the deadline, P(miss) passes the tolerance, the cost
# passes the budget, and (single node) the working set passes usable memory.
# Found as the core finds them, on the Python projection above: the bracket
# widened tenfold from the review's volume, then bisected on the logarithm
# of the volume to CROSSING_RELATIVE_TOLERANCE, each probe a projection with
# the sweep's Monte Carlo runs and the review's seed. The spill crossing is
# also solved in closed form from the linear state fit.


def find_crossing(start_events, fails):
    """The first failing volume: widen [lo, hi] tenfold from the start (down
    to 1 event, up to MAX_SEARCH_EVENTS), then bisect; (kind, events)."""
    start = min(max(start_events, 1.0), MAX_SEARCH_EVENTS)
    if fails(start):
        hi = start
        while True:
            lo = max(hi / 10.0, 1.0)
            if not fails(lo):
                return "at", bisect(lo, hi, fails)
            if lo <= 1.0:
                return "always", None
            hi = lo
    lo = start
    while True:
        hi = min(lo * 10.0, MAX_SEARCH_EVENTS)
        if fails(hi):
            return "at", bisect(lo, hi, fails)
        if hi >= MAX_SEARCH_EVENTS:
            return "not_reached", hi
        lo = hi


def bisect(lo, hi, fails):
    """Bisection of log(volume) at √(lo·hi), lo holding and hi failing,
    until hi/lo − 1 ≤ CROSSING_RELATIVE_TOLERANCE; returns hi."""
    for _ in range(CROSSING_BISECTION_STEPS):
        if hi / lo - 1.0 <= CROSSING_RELATIVE_TOLERANCE:
            break
        mid = math.sqrt(lo * hi)
        if fails(mid):
            hi = mid
        else:
            lo = mid
    return hi


def criterion_fails(model, cache, criterion, events, runs, seed, sla):
    """Whether the design fails `criterion` at `events`: p95 > deadline,
    P(miss) > tolerance, cost > budget, or working set > usable memory."""
    derived = projection_at(model, cache, events)
    if criterion == "spill":
        return not derived["memory_fit"]["fits"]
    mc = monte_carlo(model, derived, runs, seed, sla)
    if criterion == "deadline_p95":
        return mc["makespan_p95_s"] > sla["deadline_s"]
    if criterion == "deadline_tolerance":
        return mc["p_miss_deadline"] > sla["miss_tolerance"]
    return mc["cost_per_run_usd"] > sla["budget_per_run_usd"]


def spill_volume(model, cache_bytes, capacity_bytes):
    """The volume whose working set equals usable memory: solves
    (a + b·N)·bytes per entry / nodes + constant + cache = capacity for N."""
    s = model["state"]
    if s["per_event"] <= 0.0 or s["bytes_per_entry"] <= 0.0:
        return math.inf
    entries = (capacity_bytes - s["constant_bytes"] - cache_bytes) * max(model["design"]["nodes"], 1) / s["bytes_per_entry"]
    return (entries - s["intercept"]) / s["per_event"]


def expect_volume(field, recorded, derived, how):
    """A crossing volume: equal within the bisection's relative tolerance."""
    if not math.isclose(recorded, derived, rel_tol=2.0 * CROSSING_RELATIVE_TOLERANCE):
        raise AssertionError(f"{field}: the result records {recorded!r}, but {how} gives {derived!r}")
    CHECKED.append(field)


def check_crossing(result, at, crossing, model, cache):
    review = result["reproducibility"]["review"]
    criterion = crossing["criterion"]
    runs = result["crossover"]["config"]["failure_runs"]
    fails = lambda e: criterion_fails(model, cache, criterion, e, runs, result["reproducibility"]["seed"], review["sla"])
    kind, events = find_crossing(float(review["workload"]["events"]), fails)
    how = f"bisecting {criterion} on the projection above ({runs} Monte Carlo runs per probe)"
    expect(f"{at}.crossing.kind", crossing["crossing"]["kind"], kind, how)
    if events is not None:
        expect_volume(f"{at}.crossing.events", crossing["crossing"]["events"], events, how)
    expect(f"{at}.at (options)", [p["option"] for p in crossing["at"]], [result["crossover"]["single_node_option"], result["crossover"]["distributed_option"]] if kind == "at" else [], "both designs at a crossing volume")
    if criterion == "spill" and kind == "at":
        memory = failure_free(model, cache, events)["memory_fit"]
        solved = spill_volume(model, memory["cache_bytes"], memory["capacity_bytes"])
        expect_volume(f"{at}.crossing.events", crossing["crossing"]["events"], solved, "solving the linear state fit for working set = usable memory")
    return events


def check_crossings(result):
    crossover = result["crossover"]
    options = [p["option"] for p in result["projections"]]
    rows, found = [], {}
    for side in ("single_node", "distributed"):
        for k, crossing in enumerate(crossover[side]):
            at = f"crossover.{side}[{k}]"
            i = options.index(crossing["option"])
            events = check_crossing(result, at, crossing, MODELS[i], result["projections"][i]["cache"])
            if side == "single_node":
                found[crossing["criterion"]] = events if crossing["crossing"]["kind"] == "at" else (1.0 if crossing["crossing"]["kind"] == "always" else None)
            rows.append({"crossing": at, "option": crossing["option"], "criterion": crossing["criterion"], "kind": crossing["crossing"]["kind"], "recorded events": crossing["crossing"].get("events"), "re-derived events": events})
    # The binding limit: the smallest of the deadline, tolerance and budget
    # crossings (spill is an effect on time, not a limit).
    limits = [(events, c) for c, events in found.items() if c != "spill" and events is not None]
    binding = min(limits, key=lambda x: x[0]) if limits else None
    recorded = crossover["binding"]
    expect("crossover.binding.criterion", recorded and recorded["criterion"], binding and binding[1], "the smallest limit crossing")
    if binding:
        expect_volume("crossover.binding.events", recorded["events"], binding[0], "the smallest limit crossing")
    return pd.DataFrame(rows)


def check_sweep(result):
    """Every point the charts draw: the projection at that volume with the
    sweep's Monte Carlo runs."""
    crossover = result["crossover"]
    runs, seed = crossover["config"]["failure_runs"], result["reproducibility"]["seed"]
    sla = result["reproducibility"]["review"]["sla"]
    options = [p["option"] for p in result["projections"]]
    for k, series in enumerate(crossover["sweep"]):
        i = options.index(series["option"])
        model, cache = MODELS[i], result["projections"][i]["cache"]
        for j, point in enumerate(series["points"]):
            at = f"crossover.sweep[{k}].points[{j}]"
            derived = projection_at(model, cache, point["events"])
            mc = monte_carlo(model, derived, runs, seed, sla)
            expect(f"{at}.fits", point["fits"], derived["memory_fit"]["fits"], "working set ≤ usable memory")
            expect_close(f"{at}.working_set_bytes", point["working_set_bytes"], derived["memory_fit"]["working_set_bytes"], "state + caches")
            if mc.pop("completes"):
                expect_close(f"{at}.makespan_mean_s", point["makespan_mean_s"], derived["makespan_mean_s"], "provisioning + Daly's expected makespan")
                for key in ("makespan_p50_s", "makespan_p95_s", "p_miss_deadline", "cost_per_run_usd"):
                    expect_close(f"{at}.{key}", point[key], mc[key], f"{runs} Monte Carlo runs with the review's seed")
            expect(f"{at}.meets_deadline", point["meets_deadline"], mc["makespan_p95_s"] <= sla["deadline_s"], "p95 ≤ deadline")
    return sum(len(series["points"]) for series in crossover["sweep"])


display(check_crossings(RESULT))
points = check_sweep(RESULT)
print(
    f"Crossing volumes re-derived by bisection on the Python projection, and the {points} sweep points the "
    f"charts draw; {len(CHECKED)} fields agree so far. Not re-derived: the binding crossing's σ range and the "
    "cost windows."
)
