# The evidence as pandas DataFrames: the headline projections at the
# review's volume, the volume sweep, the measured stage times and the
# scoring table (long format: one row per criterion and alternative).
projections = pd.DataFrame(
    [
        {
            "option": p["option"],
            "events": p["events"],
            "p50 makespan (s)": p["makespan_p50_s"],
            "p95 makespan (s)": p["makespan_p95_s"],
            "cost per run ($)": p["cost_per_run_usd"],
            "cache hit rate": p["cache"]["overall_hit_rate"],
            "MTTR (s)": p["failures"]["mttr_s"],
            "meets deadline": p["meets_deadline"],
            "within budget": p["within_budget"],
        }
        for p in RESULT["projections"]
    ]
).set_index("option")
sweep = pd.DataFrame(
    [
        dict(point, option=series["option"])
        for series in RESULT["crossover"]["sweep"]
        for point in series["points"]
    ]
)
stages = pd.DataFrame(RESULT["timing"]["stages"]).set_index("stage")
scoring_table = pd.DataFrame(
    [
        {
            "criterion": row["id"],
            "option": option,
            "weight": row["weight"],
            "raw": row["raw"][i],
            "unit": row["unit"],
            "share of threshold": row["utilisation"][i],
            "value": row["value"][i],
        }
        for row in RESULT["scoring"]["table"]
        for i, option in enumerate(OPTIONS)
    ]
)
display(projections)
display(stages)
display(scoring_table.pivot(index="criterion", columns="option", values="value"))
