"""Write the golden project's input package: synthetic graduates of six programmes in Austria and the Netherlands.

The files are committed; run this only to remake them on purpose (the expected site changes with them):

    .venv/bin/python tests/golden/make_data.py

It is ``ontrack demo-data`` at a small size, limited to the two countries that
have profiles in the golden project. One programme in each country is too small
to publish, so the site shows hidden cells of every reason next to published ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # this checkout's generator, not whatever ontrack is installed

from generator import synthetic  # noqa: E402

PACKAGE = HERE / "project" / "datasets" / "graduates"
GEOS = ("AT", "NL")
SEED = 6
RECORDS = 6_000


def main() -> None:
    # write_demo_package takes the first N countries of its list; these two are not first, so the list is narrowed.
    chosen = tuple(c for c in synthetic.COUNTRIES if c.geo in GEOS)
    with mock.patch.object(synthetic, "COUNTRIES", chosen):
        descriptor = synthetic.write_demo_package(PACKAGE, records=RECORDS, seed=SEED, programmes=6,
                                                  countries=len(chosen))
    descriptor.update(name="golden", title="Golden test package (synthetic)")
    descriptor["description"] = descriptor["description"].replace("ontrack demo-data", "tests/golden/make_data.py")
    (PACKAGE / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    print(f"Wrote {PACKAGE}: {descriptor['description']}")


if __name__ == "__main__":
    main()
