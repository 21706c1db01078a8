"""The floor, as anyone would run it without this package: a fresh Python process that runs an
empty parameterized notebook with papermill's API and writes its HTML with nbconvert's.

    .venv/bin/python benchmarks/floor_plain.py NOTEBOOK.ipynb OUT_DIR

Same settings as ``sokhcn report`` where they are a choice rather than work (no progress bar,
kernel stopped at once); nbconvert's stock HTML exporter with the code hidden.
"""
import sys
from pathlib import Path

import papermill as pm
from nbconvert import HTMLExporter


def main(notebook: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nb = pm.execute_notebook(notebook, str(out / "floor.ipynb"), parameters={"period": "2021-01"},
                             kernel_name="python3", progress_bar=False, log_output=False,
                             shutdown_kernel="immediate")
    body, _ = HTMLExporter(exclude_input=True).from_notebook_node(nb)
    (out / "floor.html").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
