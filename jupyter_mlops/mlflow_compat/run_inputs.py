"""A run's MLflow inputs and outputs (`log_inputs`, `mlflow.log_input`, autologging's training
datasets, MLflow 3's model inputs and outputs), kept beside the runs.

The workbench records data through its profiles; MLflow's dataset records (name, digest,
source, schema, profile as MLflow's client sends them, with their tags such as
`mlflow.data.context`) are kept as they came, one JSON file per run under
`<data dir>/mlflow_compat/run_inputs/`, and returned in the run's `inputs`/`outputs`. A dataset
logged twice to a run (same name and digest) is kept once, as in MLflow; its tags are merged.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_DATASETS = 1000


class RunInputs:
    """Dataset and model inputs and model outputs of the runs of one data folder."""

    def __init__(self, data_dir: str | Path) -> None:
        self.folder = Path(data_dir) / "mlflow_compat" / "run_inputs"
        self._lock = threading.Lock()

    def _path(self, run_id: str) -> Path | None:
        return self.folder / f"{run_id}.json" if _SAFE_ID.match(run_id) else None

    def _read(self, run_id: str) -> dict[str, list[dict[str, Any]]]:
        path = self._path(run_id)
        if path is None or not path.is_file():
            return {}
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def _write(self, run_id: str, record: dict[str, list[dict[str, Any]]]) -> None:
        path = self._path(run_id)
        if path is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(record), encoding="utf-8")
        partial.replace(path)

    def add_inputs(
        self, run_id: str, datasets: list[dict[str, Any]], models: list[dict[str, Any]]
    ) -> None:
        """Record dataset inputs (kept once per name and digest) and model inputs."""
        if not datasets and not models:
            return
        with self._lock:
            record = self._read(run_id)
            kept = record.setdefault("dataset_inputs", [])
            for given in datasets:
                dataset = given.get("dataset")
                if not isinstance(dataset, dict):
                    continue
                key = (dataset.get("name"), dataset.get("digest"))
                same = next(
                    (
                        d
                        for d in kept
                        if (d["dataset"].get("name"), d["dataset"].get("digest")) == key
                    ),
                    None,
                )
                tags = [t for t in given.get("tags") or [] if isinstance(t, dict)]
                if same is None:
                    kept.append({"dataset": dataset, "tags": tags})
                else:
                    merged = {t.get("key"): t for t in same.get("tags", [])}
                    merged.update({t.get("key"): t for t in tags})
                    same["tags"] = list(merged.values())
            del kept[_MAX_DATASETS:]
            models_in = record.setdefault("model_inputs", [])
            for model in models:
                if isinstance(model, dict) and model not in models_in:
                    models_in.append(model)
            self._write(run_id, record)

    def add_outputs(self, run_id: str, models: list[dict[str, Any]]) -> None:
        """Record the models a run produced (`runs/outputs`)."""
        if not models:
            return
        with self._lock:
            record = self._read(run_id)
            kept = record.setdefault("model_outputs", [])
            for model in models:
                if isinstance(model, dict) and model not in kept:
                    kept.append(model)
            self._write(run_id, record)

    def of(self, run_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The run's `inputs` and `outputs` in MLflow's shape (None for none)."""
        record = self._read(run_id)
        inputs = {key: record[key] for key in ("dataset_inputs", "model_inputs") if record.get(key)}
        outputs = {"model_outputs": record["model_outputs"]} if record.get("model_outputs") else {}
        return inputs or None, outputs or None
