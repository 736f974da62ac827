# Where the projection terms will be re-derived. The projection of each
# design at the review's volume and at each crossing is a sum of terms
# (compute, shuffle, spill, I/O, failures and checkpoints), each measured,
# fitted or assumed. Results up to schema 3 record the terms' totals but not
# the inputs each term is computed from, so there is nothing to re-derive
# yet; a later schema (TERMS_FROM_SCHEMA), which records them, fails here
# until this function re-derives them.
TERMS_FROM_SCHEMA = 4


def rederive_projection_terms(result):
    schema = result["reproducibility"]["schema_version"]
    if schema < TERMS_FROM_SCHEMA:
        print(f"Projection terms: not re-derived (result schema {schema} records no term inputs).")
        return
    raise NotImplementedError(f"re-derive the projection terms of result schema {schema}")


rederive_projection_terms(RESULT)
