# The charts, drawn from the evidence with matplotlib.


def show(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buffer.getvalue()))


sla = REVIEW["sla"]
for column, label, limit, limit_label in (
    ("makespan_p95_s", "p95 makespan (s)", sla["deadline_s"], "deadline"),
    ("cost_per_run_usd", "cost per run ($)", sla["budget_per_run_usd"], "budget"),
):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for option, points in sweep.groupby("option", sort=False):
        ax.plot(points["events"], points[column], marker=".", label=option)
    ax.axhline(limit, color="grey", linestyle="--", label=limit_label)
    ax.axvline(REVIEW["workload"]["events"], color="black", linewidth=0.8, label="the review's volume")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events per run")
    ax.set_ylabel(label)
    ax.set_title(f"{label} by volume")
    ax.legend()
    show(fig)

fig, ax = plt.subplots(figsize=(8, 4.5))
bottom = np.zeros(len(OPTIONS))
for row in RESULT["scoring"]["table"]:
    contribution = np.array([row["weight"] * v for v in row["value"]])
    ax.bar(OPTIONS, contribution, bottom=bottom, label=row["id"])
    bottom += contribution
ax.set_ylabel("weighted value (0–1)")
ax.set_title("Score by criterion")
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
show(fig)

fig, ax = plt.subplots(figsize=(8, 3.5))
ax.barh(stages.index, stages["time_s"])
ax.set_xlabel("single-thread time for the review's batch (s)")
ax.set_title("Measured stage times")
show(fig)
