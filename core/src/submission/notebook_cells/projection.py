# The projections re-derived (core/src/analysis/projection.rs, formulas in
# docs/MODEL.md §5–6). Every projection the result records — each
# alternative at the review's volume and both designs at every crossing — is
# a sum of terms. Each failure-free term is recomputed here from the review's
# design fields, the calibration's stage costs, the profile's bytes, state
# and partition loads, and the node speed-up re-derived from σ and κ; the
# checkpoint and failure terms from Daly's closed form; p50, p95, P(miss)
# and the billed cost by replaying the core's Monte Carlo runs with the
# review's seed and the core's generator. Read as recorded (not re-derived):
# the cache hit rates (the analytic cache model's steady state) and σ and κ
# of the scaling fit.
GIB_BYTES = 1_073_741_824.0
MB_BYTES = 1e6
GB_BYTES = 1e9
POST_SHUFFLE_STAGES = ("aggregate", "features")  # run after the exchange, on the partition's node


def usl_speedup(sigma, kappa, cores):
    """A node's speed-up over one core, USL: n / (1 + σ(n − 1) + κn(n − 1)),
    with n = cores but at most the USL peak √((1 − σ)/κ); never below 1."""
    n = float(max(cores, 1))
    if kappa > 0.0:
        n = min(n, max(math.sqrt(max(1.0 - sigma, 0.0) / kappa), 1.0))
    return max(n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)), 1.0)


def scaling_law(result, design):
    """(σ, κ) the design's nodes follow: its own, or the measured law."""
    choice = design["hardware"]["scaling"]
    if isinstance(choice, dict) and "assumed" in choice:
        return choice["assumed"]["sigma"], choice["assumed"]["kappa"]
    used = result["scaling"]["used"]
    return used["sigma"], used["kappa"]


def partition_shares(result, partitioning):
    """Each partition's share of the events under a design's partitioning:
    the profile's measured loads (events / all events), else derived from
    the domains' shares as core/src/analysis/mod.rs does."""
    profile = result["profile"]
    salt_buckets = partitioning.get("salted_hot_keys", {}).get("salt_buckets") if isinstance(partitioning, dict) else None
    scheme = "salted_hot_keys" if salt_buckets is not None else partitioning
    for load in profile["partitioning"]["schemes"]:
        measured_buckets = profile["partitioning"]["layout"]["salt_buckets"]
        if load["scheme"] == scheme and (salt_buckets is None or salt_buckets == measured_buckets):
            total = max(sum(part["events"] for part in load["loads"]), 1)
            return [part["events"] / total for part in load["loads"]]
    total = max(sum(f["events"] for f in profile["features"]), 1)
    domains = [0.0] * (max((f["domain"] for f in profile["features"]), default=0) + 1)
    for f in profile["features"]:
        domains[f["domain"]] = f["events"] / total
    if scheme == "by_domain":
        return domains
    if scheme == "salted_hot_keys":
        hot = HOT_DOMAIN_FACTOR / max(len(domains), 1)
        shares = []
        for share in domains:
            shares.extend([share / max(salt_buckets, 1)] * max(salt_buckets, 1) if share > hot else [share])
        return shares
    shares = [0.0] * HASH_PARTITIONS  # by hash, one dataset per domain
    for domain, share in enumerate(domains):
        shares[mix64((domain << 32) & MASK) % HASH_PARTITIONS] += share
    return shares


def busiest_node_share(shares, nodes):
    """Longest-processing-time assignment: the largest share first, each to
    the least-loaded node (lowest index on ties); the busiest node's load."""
    ordered = sorted(shares, reverse=True)
    if nodes <= 1:
        return sum(ordered)
    loads = [(0.0, node) for node in range(nodes)]
    heapq.heapify(loads)
    for share in ordered:
        load, node = heapq.heappop(loads)
        heapq.heappush(loads, (load + share, node))
    return max(load for load, _ in loads)


def state_facts(profile):
    """The pipeline's state as a linear function of the volume: entries =
    intercept + slope · events, × bytes per entry, plus constant tallies of
    24 B per partition load and 96 B per domain (core/src/analysis/mod.rs)."""
    loads = sum(len(s["loads"]) for s in profile["partitioning"]["schemes"])
    constant_bytes = float(loads * 24 + len(profile["features"]) * 96)
    stages = profile["state"]
    if len(stages) == 1:
        s = stages[0]
        return {"intercept": s["fit"]["intercept_entries"], "per_event": s["fit"]["entries_per_event"], "bytes_per_entry": s["bytes_per_entry"], "constant_bytes": constant_bytes}
    # Several stateful stages (or none): counted in bytes, one "entry" a byte.
    return {
        "intercept": sum(s["fit"]["intercept_entries"] * s["bytes_per_entry"] for s in stages),
        "per_event": sum(s["fit"]["entries_per_event"] * s["bytes_per_entry"] for s in stages),
        "bytes_per_entry": 1.0 if stages else 0.0,
        "constant_bytes": constant_bytes,
    }


def measured_exchange(result):
    """The exchange a distributed engine measured (scalewise cluster), as
    core/src/analysis/mod.rs reads it: of the multi-process layouts whose
    bytes crossed processes, the largest; per byte = wall × threads / (2 ×
    bytes crossed); coordination = connect + one progress round. None when
    the calibration has no such layout."""
    distributed = result["calibration"].get("distributed")
    if not distributed:
        return None
    crossing = [
        (p["processes"], p["workers_per_process"], i, p)
        for i, p in enumerate(distributed["points"])
        if p["processes"] > 1 and p["exchange"]["bytes_to_other_processes"] > 0
    ]
    if not crossing:
        return None
    _, _, i, p = max(crossing, key=lambda c: c[:3])
    threads = p["processes"] * p["workers_per_process"]
    return {
        "point": i,
        "cost_s_per_byte": p["exchange"]["wall_s"]["median"] * (threads / (2.0 * p["exchange"]["bytes_to_other_processes"])),
        "coordination_s": p["connect_s"] + p["coordination"]["round_s"]["median"],
    }


def node_model(result, i):
    """Everything about alternative i that does not depend on the volume."""
    review = result["reproducibility"]["review"]
    design = review["alternatives"][i]["design"]
    profile, calibration = result["profile"], result["calibration"]
    bytes_per_event = profile["total_bytes"] / max(profile["events"], 1)
    stage_cost_s = {f"compute.{stage}": cost["median"] for stage, cost in calibration["stage_cost_s_per_event"].items()}
    stage_cost_s["compute.payload"] = calibration["payload"]["cost_s_per_byte"]["median"] * bytes_per_event
    sigma, kappa = scaling_law(result, design)
    busiest = busiest_node_share(partition_shares(result, design["partitioning"]), design["nodes"])
    exchange = measured_exchange(result)
    return {
        "design": design,
        "workload": review["workload"],
        "bytes_per_event": bytes_per_event,
        "stage_cost_s_per_event": stage_cost_s,
        "post_shuffle_s_per_event": sum(cost["median"] for stage, cost in calibration["stage_cost_s_per_event"].items() if stage in POST_SHUFFLE_STAGES),
        "sigma": sigma,
        "kappa": kappa,
        "node_speedup": usl_speedup(sigma, kappa, design["cores_per_node"]),
        "busiest_node_share": busiest,
        "node_imbalance": max(busiest * design["nodes"], 1.0),
        "state": state_facts(profile),
        "exchange_s_per_byte": exchange["cost_s_per_byte"] if exchange else design["exchange"]["cost_ns_per_byte"] * 1e-9,
        "coordination_s": exchange["coordination_s"] if exchange else design["exchange"]["coordination_s"],
    }


def state_bytes_per_node(model, events):
    """(intercept + slope · events)⁺ · bytes per entry / nodes + constant."""
    s = model["state"]
    return max(s["intercept"] + s["per_event"] * events, 0.0) * s["bytes_per_entry"] / max(model["design"]["nodes"], 1) + s["constant_bytes"]


def cache_bytes_per_node(model):
    """(hot keys + warm keys / nodes) · bytes per cache entry."""
    d = model["design"]
    warm_keys = d["warm_cache"]["capacity_keys"] if d["warm_cache"] else 0
    return (d["hot_cache"]["capacity_keys"] + warm_keys / max(d["nodes"], 1)) * model["workload"]["cache_entry_bytes"]


def failure_free(model, cache, events):
    """The failure-free run of one design at `events` per run, per node:
    its terms (seconds, by id) and the intermediates the result records."""
    d, w = model["design"], model["workload"]
    store, hw = d["store"], d["hardware"]
    n = float(max(d["nodes"], 1))
    cores = float(max(d["cores_per_node"], 1))
    speed = max(hw["core_speed_factor"], 2.2250738585072014e-308)
    speedup = max(model["node_speedup"], 1.0)
    events_per_node = events / n
    terms = {}

    def ideal_s(cost_s_per_event):
        """Computation at perfect scaling: N/n · cost / (c · f)."""
        return events_per_node * cost_s_per_event / (cores * speed)

    for term, cost in model["stage_cost_s_per_event"].items():
        terms[term] = ideal_s(cost)
    compute_ideal_s = sum(terms.values())
    # What the node's imperfect scaling adds: compute · (c / S(c) − 1).
    terms["scaling_loss"] = compute_ideal_s * max(cores / speedup - 1.0, 0.0)
    # The shuffle moves each event (payload and record) once; a node sends
    # and receives its share of the bytes that change nodes.
    shuffle_bytes = events * (model["bytes_per_event"] + RECORD_BYTES) * (1.0 - 1.0 / n)
    shuffle_per_node_bytes = shuffle_bytes / n
    exchange_cpu_s = 2.0 * shuffle_per_node_bytes * model["exchange_s_per_byte"] / (speedup * speed)
    if n > 1:
        terms["exchange_cpu"] = exchange_cpu_s
    compute_s = compute_ideal_s + terms["scaling_loss"] + (exchange_cpu_s if n > 1 else 0.0)
    post_shuffle_s = ideal_s(model["post_shuffle_s_per_event"]) * (cores / speedup)

    # I/O per node, before any overlap with the computation.
    nic_bytes_per_s = d["network_gbit_per_s"] * GB_BYTES / 8.0
    store_share_bytes_per_s = store["input_mb_per_s"] * MB_BYTES / n
    input_bytes_per_s = min(nic_bytes_per_s, store_share_bytes_per_s)
    input_bytes = events_per_node * model["bytes_per_event"]
    requests = events_per_node * w["requests_per_event"]
    misses = requests * max(1.0 - cache["overall_hit_rate"], 0.0)
    warm_hits = requests * max(cache["overall_hit_rate"] - cache["hot_hit_rate"], 0.0)
    concurrency = float(max(store["lookup_concurrency"], 1))
    batch = float(max(store["lookup_batch_keys"], 1))
    entry_bytes = float(w["cache_entry_bytes"])
    latency_bound_s = misses / batch * store["lookup_latency_ms"] * 1e-3 / concurrency
    throughput_bound_s = misses * entry_bytes / min(nic_bytes_per_s, store["lookup_mb_per_s"] * MB_BYTES / n)
    regions = float(max(d["regions"], 1))
    cross_region_bytes = shuffle_bytes * (1.0 - 1.0 / regions)
    cross_bytes_per_s = min(hw["cross_region_gbit_per_s"], d["network_gbit_per_s"]) * GB_BYTES / 8.0
    io = {
        "input_read": input_bytes / input_bytes_per_s,
        "lookups": max(latency_bound_s, throughput_bound_s),
        "warm_tier": max(warm_hits / batch * store["warm_latency_ms"] * 1e-3 / concurrency, warm_hits * entry_bytes / nic_bytes_per_s),
        "shuffle": max(shuffle_per_node_bytes - cross_region_bytes / n, 0.0) / nic_bytes_per_s,
        "cross_region": cross_region_bytes / n / cross_bytes_per_s,
    }
    io_s = sum(io.values())
    # Overlapped I/O: the node is busy for the longer of I/O and computation,
    # and each I/O term counts its share of the part not hidden.
    exposed_s = max(io_s - compute_s, 0.0) if store["io"] == "overlapped" else io_s
    for term, seconds in io.items():
        if seconds > 0.0:
            terms[term] = seconds * (exposed_s / io_s if io_s > 0.0 else 0.0)

    # Memory: state and caches against usable memory; the excess is
    # written and read back once.
    state_bytes = state_bytes_per_node(model, events)
    cache_bytes = cache_bytes_per_node(model)
    capacity_bytes = d["memory_per_node_gib"] * GIB_BYTES * hw["usable_memory_fraction"]
    spill_bytes = max(state_bytes + cache_bytes - capacity_bytes, 0.0)
    spill_s = 2.0 * spill_bytes / (hw["disk_mb_per_s"] * MB_BYTES)
    if spill_s > 0.0:
        terms["spill"] = spill_s
    coordination_s = model["coordination_s"] if d["nodes"] > 1 else 0.0
    if coordination_s > 0.0:
        terms["coordination"] = coordination_s
    # The busiest node does more of the post-shuffle work, shuffle and spill.
    # (The shuffle's full time, overlapped or not, as the core counts it.)
    skewed_s = post_shuffle_s + (io["shuffle"] + exchange_cpu_s / 2.0 if n > 1 else 0.0) + spill_s
    straggler_s = max(model["node_imbalance"] - 1.0, 0.0) * skewed_s
    if straggler_s > 0.0:
        terms["straggler"] = straggler_s
    total_s = compute_s + exposed_s + spill_s + coordination_s + straggler_s
    return {
        "terms": terms,
        "total_s": total_s,
        "io": {
            "input_bytes_per_node": input_bytes,
            "input_bytes_per_s": input_bytes_per_s,
            "input_bound": "nic" if nic_bytes_per_s <= store_share_bytes_per_s else "store",
            "lookups_bound": "latency" if latency_bound_s >= throughput_bound_s else "throughput",
            "io_s": io_s,
            "compute_s": compute_s,
        },
        "memory_fit": {
            "working_set_bytes": state_bytes + cache_bytes,
            "state_bytes": state_bytes,
            "cache_bytes": cache_bytes,
            "capacity_bytes": capacity_bytes,
            "fits": spill_bytes <= 0.0,
            "spill_bytes": spill_bytes,
        },
        "network": {"shuffle_bytes": shuffle_bytes, "cross_region_bytes": cross_region_bytes},
    }


def provisioning_s(design):
    """Waiting for on-demand nodes before the run (none when always on)."""
    return design["billing"]["provisioning_s"] if design["billing"]["mode"] == "on_demand" else 0.0


def durable_bytes_per_s(model):
    """A checkpoint's or reload's rate: the NIC or the node's share of the
    object store, whichever is less."""
    d = model["design"]
    return min(d["network_gbit_per_s"] * GB_BYTES / 8.0, d["store"]["input_mb_per_s"] * MB_BYTES / max(d["nodes"], 1))


def checkpoint_s(model, events):
    """One checkpoint: the design's seconds, or the node's state / durable rate."""
    cost = model["design"]["checkpoint_cost_s"]
    return state_bytes_per_node(model, events) / durable_bytes_per_s(model) if cost == "from_state" else cost


def restart_s(model, events):
    """One recovery: the design's seconds, or detection + provisioning +
    reloading the state (when there are checkpoints to reload)."""
    d = model["design"]
    if d["restart_cost_s"] != "from_state":
        return d["restart_cost_s"]
    reload_s = 0.0 if d["checkpoint"] == "never" else state_bytes_per_node(model, events) / durable_bytes_per_s(model)
    return d["failure_detection_s"] + provisioning_s(d) + reload_s


def daly_interval_s(checkpoint_s, mtbf_s):
    """Daly's optimum √(2δM)·[1 + ⅓√(δ/2M) + ⅑(δ/2M)] − δ (M when δ ≥ 2M),
    at least MIN_CHECKPOINT_INTERVAL_S; free checkpoints get that minimum."""
    if checkpoint_s == 0.0:
        return MIN_CHECKPOINT_INTERVAL_S
    if checkpoint_s >= 2.0 * mtbf_s:
        return max(mtbf_s, MIN_CHECKPOINT_INTERVAL_S)
    ratio = checkpoint_s / (2.0 * mtbf_s)
    tau = math.sqrt(2.0 * checkpoint_s * mtbf_s) * (1.0 + math.sqrt(ratio) / 3.0 + ratio / 9.0) - checkpoint_s
    return max(tau, MIN_CHECKPOINT_INTERVAL_S)


def interval_s(design, checkpoint_s, mtbf_s, work_s):
    """The checkpoint interval (None: no checkpoints, or none before the end)."""
    plan = design["checkpoint"]
    if plan == "never":
        return None
    tau = daly_interval_s(checkpoint_s, mtbf_s) if plan == "auto" else max(plan, MIN_CHECKPOINT_INTERVAL_S)
    return tau if tau < work_s else None


def expected_makespan_s(work_s, tau_s, checkpoint_s, restart_s, mtbf_s):
    """Daly's closed form: M e^{R/M} [k (e^{(τ+δ)/M} − 1) + (e^{r/M} − 1)]
    for k = ⌈W/τ⌉ − 1 full segments and a last one of r = W − kτ
    (without checkpoints: k = 0, r = W); infinite when it overflows."""
    if work_s <= 0.0:
        return 0.0
    full = math.ceil(work_s / tau_s) - 1.0 if tau_s is not None else 0.0
    last_s = max(work_s - full * tau_s, 0.0) if tau_s is not None else work_s
    try:
        value = mtbf_s * math.exp(restart_s / mtbf_s) * (
            (full * math.expm1((tau_s + checkpoint_s) / mtbf_s) if full > 0 else 0.0)
            + (math.expm1(last_s / mtbf_s) if last_s > 0 else 0.0)
        )
    except OverflowError:
        return math.inf
    return value


def mean_time_to_recover_s(work_s, tau_s, checkpoint_s, restart_s, mtbf_s):
    """Restart + the work lost per failure in a stretch L that must run
    uninterrupted (τ + δ, or the whole run): M − L / (e^{L/M} − 1)."""
    stretch_s = work_s if tau_s is None else tau_s + checkpoint_s
    if stretch_s <= 0.0:
        return restart_s
    x = stretch_s / mtbf_s
    if x < 1e-9:
        return restart_s + stretch_s / 2.0
    if x > 700.0:
        return restart_s + mtbf_s
    return restart_s + mtbf_s - stretch_s / math.expm1(x)


def projection_at(model, cache, events, completes=True):
    """The deterministic part of a projection at `events`: the failure-free
    terms, provisioning, and checkpoints and failures in closed form."""
    d = model["design"]
    run = failure_free(model, cache, events)
    work_s = run["total_s"]
    mtbf_s = d["node_mtbf_h"] * 3_600.0 / max(d["nodes"], 1)
    delta_s = checkpoint_s(model, events)
    recover_s = restart_s(model, events)
    tau_s = interval_s(d, delta_s, mtbf_s, work_s)
    checkpoints = max(math.ceil(work_s / tau_s) - 1.0, 0.0) if tau_s is not None else 0.0
    overhead_s = checkpoints * delta_s
    closed_form_s = expected_makespan_s(work_s, tau_s, delta_s, recover_s, mtbf_s)
    expected_s = min(closed_form_s, MAX_REPORTED_S)
    terms = {}
    if provisioning_s(d) > 0.0:
        terms["provisioning"] = provisioning_s(d)
    terms.update(run["terms"])
    terms["checkpoints"] = overhead_s if completes else 0.0
    terms["failures"] = max(expected_s - work_s - overhead_s, 0.0) if completes else max(MAX_REPORTED_S - work_s, 0.0)
    expected_failures = expected_s / mtbf_s if work_s > 0.0 else 0.0
    failures = {
        "system_mtbf_s": mtbf_s,
        "interval_s": tau_s,
        "checkpoints": checkpoints,
        "checkpoint_s": delta_s,
        "restart_s": recover_s,
        "checkpoint_overhead_s": overhead_s,
        "expected_failures": expected_failures,
        "expected_rework_s": max(expected_s - work_s - overhead_s - expected_failures * recover_s, 0.0) if work_s > 0.0 else 0.0,
        "mttr_s": mean_time_to_recover_s(work_s, tau_s, delta_s, recover_s, mtbf_s),
    }
    return dict(
        run,
        terms=terms,
        failures=failures,
        expected_s=expected_s,
        closed_form_s=closed_form_s,
        makespan_mean_s=provisioning_s(d) + expected_s if completes else MAX_REPORTED_S,
        no_failure_makespan_s=provisioning_s(d) + work_s + overhead_s,
    )


FAILURES_STREAM = 3  # the Monte Carlo's stream of the core's generator


def failure_draws(seed, run):
    """Uniform draws in (0, 1] for one Monte Carlo run, as
    ItemRng::new(seed, Failures, run).next_f64_open0() (core/src/rng.rs)."""
    key = mix64(seed ^ ((FAILURES_STREAM * GOLDEN) & MASK))
    state = mix64((key + run * GOLDEN) & MASK)
    while True:
        state = (state + GOLDEN) & MASK
        yield ((mix64(state) >> 11) + 1) * (1.0 / (1 << 53))


def simulate_run_s(draws, full_segments, full_segment_s, last_segment_s, restart_s, mtbf_s, max_failures):
    """One run (core/src/models/checkpoint.rs): draw the time to the next
    failure, Exp(M) = −M ln u; if it comes after the remaining segments the
    run ends, else the segments completed before it are kept, the rest
    redone after a restart (itself interrupted by failures)."""
    clock_s, failures, full_left = 0.0, 0, full_segments
    while failures <= max_failures:
        until_failure_s = -mtbf_s * math.log(next(draws))
        remaining_s = full_left * full_segment_s + last_segment_s
        if until_failure_s >= remaining_s:
            return clock_s + remaining_s
        completed = min(math.floor(until_failure_s / full_segment_s), full_left) if full_segment_s > 0.0 else full_left
        full_left -= completed
        clock_s += until_failure_s
        failures += 1
        while failures <= max_failures:
            until_failure_s = -mtbf_s * math.log(next(draws))
            if until_failure_s >= restart_s:
                clock_s += restart_s
                break
            clock_s += until_failure_s
            failures += 1
    return math.inf  # the runaway guard: this run never finished


def monte_carlo_makespans_s(work_s, tau_s, delta_s, restart_s, mtbf_s, expected_s, runs, seed):
    """The sorted makespans of `runs` runs with the review's seed (the same
    run seeds for every design and volume)."""
    full = max(math.ceil(work_s / tau_s), 1.0) - 1.0 if tau_s is not None else 0.0
    full_segment_s = (tau_s if tau_s is not None else work_s) + delta_s
    last_s = max(work_s - full * tau_s, 0.0) if tau_s is not None else work_s
    max_failures = int(1e4 * (expected_s / mtbf_s) + 1e4)
    return sorted(
        simulate_run_s(failure_draws(seed, run), full, full_segment_s, last_s, restart_s, mtbf_s, max_failures)
        for run in range(runs)
    )


def nearest_rank_s(sorted_s, q):
    """The nearest-rank quantile: the ⌈q·runs⌉-th smallest makespan."""
    return sorted_s[max(math.ceil(q * len(sorted_s)), 1) - 1]


def billed_s(design, makespan_s):
    """max(minimum, ⌈(provisioning + makespan) / granularity⌉ · granularity)."""
    b = design["billing"]
    used_s = provisioning_s(design) + makespan_s
    rounded_s = math.ceil(used_s / b["granularity_s"]) * b["granularity_s"] if b["granularity_s"] > 0.0 and math.isfinite(used_s) else used_s
    return max(rounded_s, b["minimum_s"])


def monte_carlo(model, derived, runs, seed, sla):
    """p50, p95, P(miss), the billed time and the cost of a projection from
    its Monte Carlo runs, as core/src/analysis/projection.rs reports them."""
    d = model["design"]
    f = derived["failures"]
    p_s = provisioning_s(d)
    cap = lambda x: min(x, MAX_REPORTED_S)
    if derived["total_s"] > MAX_WORK_S or not math.isfinite(derived["closed_form_s"]):
        return {"completes": False, "makespan_p95_s": MAX_REPORTED_S, "p_miss_deadline": 1.0, "cost_per_run_usd": math.inf}
    makespans_s = monte_carlo_makespans_s(
        derived["total_s"], f["interval_s"], f["checkpoint_s"], f["restart_s"], f["system_mtbf_s"], derived["expected_s"], runs, seed
    )
    work_s, closed_form_s = derived["total_s"], derived["closed_form_s"]
    # The core's guards: a run too long for its MTBF is reported as never
    # finishing (makespans MAX_REPORTED_S, P(miss) 1).
    completes = (
        math.isfinite(closed_form_s)
        and work_s <= MAX_WORK_S
        and closed_form_s <= MAX_SLOWDOWN * work_s
        and closed_form_s / f["system_mtbf_s"] * runs <= MAX_TOTAL_FAILURES
        and math.isfinite(makespans_s[-1])
    )
    if not completes:
        return {"completes": False, "makespan_p95_s": MAX_REPORTED_S, "p_miss_deadline": 1.0, "cost_per_run_usd": math.inf}
    nodes = float(max(d["nodes"], 1))
    if d["billing"]["mode"] == "on_demand":
        groups = {}
        for m in makespans_s:
            groups[m] = groups.get(m, 0) + 1
        billed = sum(billed_s(d, m) * count for m, count in groups.items()) / runs
    else:
        billed = model["workload"]["batch_window_s"]
    egress_usd = derived["network"]["cross_region_bytes"] / GB_BYTES * d["egress_usd_per_gb"]
    nodes_usd = nodes * billed / 3_600.0 * d["price_per_node_hour_usd"]
    return {
        "makespan_p50_s": p_s + cap(nearest_rank_s(makespans_s, 0.5)),
        "makespan_p95_s": p_s + cap(nearest_rank_s(makespans_s, 0.95)),
        "p_miss_deadline": sum(m > sla["deadline_s"] - p_s for m in makespans_s) / runs,
        "cost.billed_s_per_node": billed,
        "cost.nodes_usd": nodes_usd,
        "cost.egress_usd": egress_usd,
        "network.egress_usd": egress_usd,
        "cost_per_run_usd": nodes_usd + egress_usd,
        "completes": True,
    }


def expect_close(field, recorded, derived, how):
    """`expect` with an absolute tolerance of 1e-9 s (or bytes) for values
    near 0, where the two libraries' rounding differs most."""
    if isinstance(recorded, (int, float)) and isinstance(derived, (int, float)) and not isinstance(recorded, bool):
        if abs(recorded - derived) <= 1e-9:
            derived = recorded
    expect(field, recorded, derived, how)


def every_projection(result):
    """(JSON path, alternative index, recorded projection) of every
    projection the result records."""
    index = {p["option"]: i for i, p in enumerate(result["projections"])}
    found = [(f"projections[{i}]", i, p) for i, p in enumerate(result["projections"])]
    for side in ("single_node", "distributed"):
        for k, crossing in enumerate(result["crossover"][side]):
            for j, p in enumerate(crossing["at"]):
                found.append((f"crossover.{side}[{k}].at[{j}]", index[p["option"]], p))
    return found


def check_volume_independent(result, at, i, p, model):
    """The node speed-up from σ and κ, and the partition balance from the
    profile's loads."""
    par = p["parallelism"]
    expect(f"{at}.parallelism.scaling.sigma", par["scaling"]["sigma"], model["sigma"], "the design's law or scaling.used")
    expect(f"{at}.parallelism.scaling.kappa", par["scaling"]["kappa"], model["kappa"], "the design's law or scaling.used")
    expect(f"{at}.parallelism.node_speedup", par["node_speedup"], model["node_speedup"], "the USL at the node's cores")
    expect(f"{at}.parallelism.node_efficiency", par["node_efficiency"], model["node_speedup"] / max(model["design"]["cores_per_node"], 1), "node_speedup / cores_per_node")
    expect(f"{at}.partitions.busiest_node_share", p["partitions"]["busiest_node_share"], model["busiest_node_share"], "the LPT assignment of the profile's partition loads")
    expect(f"{at}.partitions.node_imbalance", p["partitions"]["node_imbalance"], model["node_imbalance"], "max(busiest share × nodes, 1)")


def check_projection(result, at, i, p, model):
    """Every deterministic number of one recorded projection; the rows of
    the comparison table."""
    check_volume_independent(result, at, i, p, model)
    events = p["events"]
    cache = p["cache"]
    derived = projection_at(model, cache, events, completes=p["failures"]["completes"])
    recorded_ids = [t["term"] for t in p["terms"]]
    expect(f"{at}.terms (ids)", recorded_ids, list(derived["terms"]), "the terms that apply to this design and volume")
    rows = []
    for t in p["terms"]:
        how = f"the {t['term']} formula at {events:.6g} events from {', '.join(t['inputs'])}"
        expect_close(f"{at}.terms[{t['term']}].seconds", t["seconds"], derived["terms"][t["term"]], how)
        rows.append({"projection": at, "option": p["option"], "term": t["term"], "recorded (s)": t["seconds"], "re-derived (s)": derived["terms"][t["term"]]})
    expect_close(f"{at}.failure_free_s", p["failure_free_s"], derived["total_s"], "the sum of the failure-free terms")
    if p["failures"]["completes"]:
        expect_close(f"{at}.makespan_mean_s", p["makespan_mean_s"], derived["makespan_mean_s"], "provisioning + Daly's expected makespan")
    for section in ("io", "memory_fit", "network", "failures"):
        for key, value in derived[section].items():
            expect_close(f"{at}.{section}.{key}", p[section][key], value, f"the {section} formulas")
    if p["failures"]["completes"]:
        sla = result["reproducibility"]["review"]["sla"]
        mc = monte_carlo(model, derived, p["failures"]["runs"], result["reproducibility"]["seed"], sla)
        expect(f"{at}.failures.completes", True, mc.pop("completes"), "the core's guards against runs that never finish")
        for key, value in mc.items():
            section, _, name = key.rpartition(".")
            recorded = p[section][name] if section else p[name]
            expect_close(f"{at}.{key}", recorded, value, f"{p['failures']['runs']} Monte Carlo runs with the review's seed")
        expect(f"{at}.meets_deadline", p["meets_deadline"], mc["makespan_p95_s"] <= sla["deadline_s"], "p95 ≤ deadline")
        expect(f"{at}.within_tolerance", p["within_tolerance"], mc["p_miss_deadline"] <= sla["miss_tolerance"], "P(miss) ≤ tolerance")
        expect(f"{at}.within_budget", p["within_budget"], mc["cost_per_run_usd"] <= sla["budget_per_run_usd"], "cost ≤ budget")
    expect_close(f"{at}.cache.requests", cache["requests"], events * model["workload"]["requests_per_event"], "events × requests per event")
    expect_close(f"{at}.cache.source_reads", cache["source_reads"], cache["requests"] * max(1.0 - cache["overall_hit_rate"], 0.0), "requests × (1 − overall hit rate)")
    expect_close(f"{at}.extrapolation", p["extrapolation"], events / max(result["profile"]["events"], 1), "events / profiled events")
    return rows


def check_projections(result):
    models = [node_model(result, i) for i in range(len(result["projections"]))]
    rows = []
    for at, i, p in every_projection(result):
        rows += check_projection(result, at, i, p, models[i])
    return models, pd.DataFrame(rows)


MODELS, TERMS = check_projections(RESULT)
at_review = TERMS[TERMS["projection"].str.startswith("projections[")]
order = max((list(rows["term"]) for _, rows in at_review.groupby("option", sort=False)), key=len)
table = at_review.pivot(index="term", columns="option", values="re-derived (s)")
display(table.reindex(order + [t for t in table.index if t not in order])[OPTIONS])
largest_s = (TERMS["recorded (s)"] - TERMS["re-derived (s)"]).abs().max()
print(
    f"Projection terms re-derived (seconds at the review's volume above): {len(TERMS)} terms of "
    f"{TERMS['projection'].nunique()} projections agree, the largest difference {largest_s:.1e} s; "
    f"{len(CHECKED)} fields checked so far. Read as recorded: the cache hit rates and σ and κ of the fit."
)
