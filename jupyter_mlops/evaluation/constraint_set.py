"""Data constraints as data: what each column of a dataset must satisfy, editable as YAML/JSON.

The shape follows SageMaker Model Monitor's suggested constraints: per column its type, how
complete it must be (share of non-missing values), a numeric range, the allowed categories, and
whether its values must be unique.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..core.errors import MLOpsError

NUMERIC_TYPES = ("numeric",)
KNOWN_TYPES = ("numeric", "categorical", "boolean", "datetime", "text", "id-like")


@dataclass
class ColumnConstraint:
    """What one column must satisfy; a None field is not checked."""

    type: str | None = None
    completeness: float | None = None  # smallest allowed share of non-missing values
    min: float | None = None
    max: float | None = None
    allowed: list[Any] | None = None
    unique: bool = False


@dataclass
class Constraints:
    """Per-column constraints; `required` columns must be present; `tolerance` is the share of
    rows allowed to break a range or category check (as Great Expectations' `mostly`): real
    data has a few stragglers past any range seen in training."""

    columns: dict[str, ColumnConstraint]
    required: list[str] = field(default_factory=list)
    source: str | None = None
    tolerance: float = 0.01

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, without the unset fields of each column."""
        return {
            "source": self.source,
            "tolerance": self.tolerance,
            "required": list(self.required),
            "columns": {
                name: {k: v for k, v in asdict(c).items() if v is not None and v is not False}
                for name, c in self.columns.items()
            },
        }

    def to_json(self) -> str:
        """As JSON text."""
        return json.dumps(self.to_dict(), indent=2, default=str)

    def to_yaml(self) -> str:
        """As YAML text (edit it, then `Constraints.from_yaml`)."""
        import yaml

        return str(yaml.safe_dump(self.to_dict(), sort_keys=False))

    @classmethod
    def from_dict(cls, data: Any, field_name: str = "constraints") -> Constraints:
        """From `to_dict` output (or hand-written); a bad key or value is a 400 naming it."""
        if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
            raise MLOpsError("constraints need a 'columns' mapping", field=field_name)
        known = {f.name for f in fields(ColumnConstraint)}
        columns = {}
        for name, spec in data["columns"].items():
            if not isinstance(spec, dict) or set(spec) - known:
                unknown = sorted(set(spec) - known) if isinstance(spec, dict) else spec
                raise MLOpsError(
                    f"column {name!r}: unknown constraint keys {unknown}", field=field_name
                )
            if spec.get("type") is not None and spec["type"] not in KNOWN_TYPES:
                raise MLOpsError(
                    f"column {name!r}: unknown type {spec['type']!r}", field=field_name
                )
            columns[str(name)] = ColumnConstraint(**spec)
        required = data.get("required") or []
        if not isinstance(required, list):
            raise MLOpsError("'required' is a list of column names", field=field_name)
        tolerance = data.get("tolerance", 0.01)
        if not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
            raise MLOpsError("'tolerance' is a share of rows, from 0 to below 1", field=field_name)
        return cls(columns, [str(c) for c in required], data.get("source"), float(tolerance))

    @classmethod
    def from_text(cls, text: str) -> Constraints:
        """From YAML or JSON text (JSON is YAML)."""
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise MLOpsError(
                f"constraints are not valid YAML/JSON: {exc}", field="constraints"
            ) from None
        return cls.from_dict(data)

    def _repr_html_(self) -> str:
        return f"<pre>{self.to_yaml()}</pre>"
