# Where the crossing volumes will be re-derived: the volumes at which the
# single node misses the deadline, exceeds its tolerance of missing it,
# exceeds the budget or starts to spill. Like the terms above, they need
# inputs a later result schema records.


def rederive_crossings(result):
    schema = result["reproducibility"]["schema_version"]
    if schema < TERMS_FROM_SCHEMA:
        print(f"Crossing volumes: not re-derived (result schema {schema} records no term inputs).")
        return
    raise NotImplementedError(f"re-derive the crossing volumes of result schema {schema}")


rederive_crossings(RESULT)
