"""The profile of a dataset as data: dataclasses that round-trip through JSON.

A `Profile` is what `jupyter_mlops.profile` returns, what the store keeps and what the REST API
sends. Its JSON shape is documented in docs/profiling.md; `FORMAT_VERSION` changes when it does.
Fields that do not apply to a column's type are `None` (JSON null).

This module is data only: saving (`store.save_profile`), the HTML report (`report`) and the
notebook display (`display`) import it, never the other way round.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, is_dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import WithJsonSchema

FORMAT_VERSION = 1

ColumnType = Literal["numeric", "categorical", "boolean", "datetime", "text", "id-like"]
COLUMN_TYPES: tuple[ColumnType, ...] = get_args(ColumnType)
QUANTILE_KEYS = ("0.05", "0.25", "0.5", "0.75", "0.95")

# A JSON scalar as it appears in a profile (datetimes are ISO strings).
Scalar = float | int | str | bool | None

_SCALAR_SCHEMA = {
    "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}, {"type": "null"}]
}
# A `[value, count]` pair of `top_values`: a list in Python (as JSON reads it back, so a profile
# round-trips equal), a pair in the schema (so the Lab's generated type is `[Scalar, number]`).
TopValue = Annotated[
    list[Any],
    WithJsonSchema(
        {
            "type": "array",
            "prefixItems": [_SCALAR_SCHEMA, {"type": "integer"}],
            "minItems": 2,
            "maxItems": 2,
        }
    ),
]


@dataclass
class Histogram:
    """Bin edges (`len(counts) + 1` of them, ISO strings for datetimes) and counts per bin.

    The last bin includes its right edge, as in `numpy.histogram`.
    """

    edges: list[float] | list[str]
    counts: list[int]


@dataclass
class ColumnProfile:
    """The statistics of one column; see docs/profiling.md for each field."""

    name: str
    type: ColumnType
    dtype: str
    count: int
    n_missing: int
    n_distinct: int | None = None
    distinct_is_approximate: bool = False
    mean: Scalar = None
    std: float | None = None
    min: Scalar = None
    max: Scalar = None
    quantiles: dict[str, Scalar] | None = None
    quantiles_are_approximate: bool = False
    n_zeros: int | None = None
    n_negative: int | None = None
    n_infinite: int | None = None
    skewness: float | None = None
    histogram: Histogram | None = None
    top_values: list[TopValue] | None = None
    top_values_are_approximate: bool = False
    value_types: dict[str, int] | None = None
    min_length: int | None = None
    mean_length: float | None = None
    max_length: int | None = None

    @property
    def missing_share(self) -> float:
        """The share of missing values (0 for an empty column)."""
        total = self.count + self.n_missing
        return self.n_missing / total if total else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnProfile:
        """Rebuild from `to_dict` output; unknown keys (from newer versions) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        if values.get("histogram") is not None:
            values["histogram"] = Histogram(**values["histogram"])
        return cls(**values)


@dataclass
class Alert:
    """Something a data scientist should look at: which column (None: the whole table), what."""

    column: str | None
    kind: str
    detail: str
    value: float | None = None


@dataclass
class Correlations:
    """Pairwise associations: Pearson correlations between numeric columns (pairwise-complete
    rows), or Cramér's V between categorical columns (method "cramers_v", 0..1).

    `matrix[i][j]` pairs `columns[i]` with `columns[j]`; None where undefined (a constant
    column, fewer than two shared rows). `truncated` says some columns were left out.
    """

    method: Literal["pearson", "cramers_v"]
    columns: list[str]
    matrix: list[list[float | None]]
    truncated: bool = False


@dataclass
class SampleRows:
    """Some rows as they are: the first ones and a random few (cells as JSON scalars)."""

    columns: list[str]
    head: list[list[Scalar]]
    random: list[list[Scalar]]


@dataclass
class MissingMatrix:
    """Where values are missing: rows cut into consecutive blocks, missing cells per block.

    `counts[i][b]` is the number of missing values of `columns[i]` among the `block_rows[b]`
    rows of block `b` (blocks follow the table's row order).
    """

    columns: list[str]
    block_rows: list[int]
    counts: list[list[int]]


@dataclass
class Profile:
    """The profile of a dataset: table-level facts, one `ColumnProfile` per column, alerts.

    Build one with `jupyter_mlops.profile(data)`; save it with `jupyter_mlops.save_profile`;
    read it back with `jupyter_mlops.load_profile(name)`. In a notebook it displays as a widget
    (`display.register` hooks it into IPython when `jupyter_mlops.profiling` is imported).
    """

    n_rows: int
    n_columns: int
    n_duplicate_rows: int | None
    memory_bytes: int
    fingerprint: str
    columns: dict[str, ColumnProfile]
    correlations: Correlations | None
    alerts: list[Alert]
    engine: str
    created_at: str
    duplicates_are_approximate: bool = False
    quantile_rank_error: float = 0.0
    distinct_relative_error: float | None = None
    source: str | None = None
    name: str | None = None
    id: str | None = None
    sample: float | int | None = None
    scheduler: str | None = None
    n_partitions: int | None = None
    samples: SampleRows | None = None
    missing_matrix: MissingMatrix | None = None
    # Cramér's V between categorical columns (method "cramers_v"), beside `correlations`.
    associations: Correlations | None = None
    format_version: int = FORMAT_VERSION

    # --- serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data (nested dicts, lists and scalars)."""
        data: dict[str, Any] = _plain(self)
        return data

    def to_json(self, indent: int | None = None) -> str:
        """The profile as JSON text (strict JSON: no NaN or Infinity)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Rebuild a profile from `to_dict` output."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["columns"] = {
            key: ColumnProfile.from_dict(column) for key, column in data["columns"].items()
        }
        if data.get("correlations") is not None:
            values["correlations"] = Correlations(**data["correlations"])
        if data.get("associations") is not None:
            values["associations"] = Correlations(**data["associations"])
        if data.get("samples") is not None:
            values["samples"] = SampleRows(**data["samples"])
        if data.get("missing_matrix") is not None:
            values["missing_matrix"] = MissingMatrix(**data["missing_matrix"])
        values["alerts"] = [Alert(**alert) for alert in data.get("alerts", [])]
        return cls(**values)

    @classmethod
    def from_json(cls, text: str | bytes) -> Profile:
        """Rebuild a profile from `to_json` output."""
        return cls.from_dict(json.loads(text))

    # --- conveniences --------------------------------------------------------------------

    def column(self, name: str) -> ColumnProfile:
        """The profile of column `name` (its string form for non-string column names)."""
        try:
            return self.columns[str(name)]
        except KeyError:
            raise KeyError(f"no column {name!r} in this profile") from None

    def alerts_for(self, column: str | None) -> list[Alert]:
        """The alerts about `column` (None: the table-level alerts)."""
        return [alert for alert in self.alerts if alert.column == column]

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return (
            f"<Profile{label}: {self.n_rows:,} rows x {self.n_columns} columns, "
            f"{len(self.alerts)} alerts, engine={self.engine}>"
        )


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """`dataclasses.asdict` for a profile's data: new dicts and lists all the way down, its
    scalars as they are (asdict deep-copies each one: a sixth of a small file's profile)."""
    if isinstance(value, list):
        return [item if type(item) in _SCALARS else _plain(item) for item in value]
    if isinstance(value, dict):
        return {
            key if type(key) in _SCALARS else _plain(key): (
                item if type(item) in _SCALARS else _plain(item)
            )
            for key, item in value.items()
        }
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    return value


def clean_float(value: Any) -> float | None:
    """`value` as a finite float, or None (NaN, infinities, None): profiles are strict JSON."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
