# Python's standard library and the three pinned packages, nothing else.
# Charts are drawn off-screen (the Agg backend) and shown as PNG images, so
# the notebook runs headless, e.g. under nbclient.
import hashlib
import heapq
import io
import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Image, display

CHECKED = []  # every field a check below has confirmed


def expect(field, recorded, derived, how):
    """Fail, naming `field`, unless the value the result records equals the
    one re-derived here (numbers to 1e-9 relative: two floating-point
    libraries may differ in the last bit, a tampered number differs more)."""
    if isinstance(recorded, (int, float)) and not isinstance(recorded, bool):
        same = isinstance(derived, (int, float)) and math.isclose(
            recorded, derived, rel_tol=1e-9, abs_tol=1e-12
        )
    else:
        same = recorded == derived
    if not same:
        raise AssertionError(
            f"{field}: the result records {recorded!r}, but {how} gives {derived!r}"
        )
    CHECKED.append(field)
