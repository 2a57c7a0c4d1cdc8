"""Request bodies of an endpoint, validated against the model's input schema.

`/invocations` takes MLflow's payloads (`dataframe_split`, `dataframe_records`, `instances`,
`inputs`); `/predict` takes records (a list, or `{"records": [...]}`) or columns
(`{"columns": {"a": [...], ...}}` or `{"columns": [...], "data": [[...]]}`). Every shape is
turned into rows in the schema's column order; a missing, unknown or wrong-typed column is a
`PayloadError` (422) naming it, and so is a malformed shape (`columns` that is not a list). An
all-numeric schema gives one float64 array built by numpy (no pandas on the hot path); a schema
with text or categorical columns gives a DataFrame. A column the signature records as integer
(or boolean) takes no null and no fraction (1.5 would be truncated), and nothing out of its
range: each is a 422 naming the column, in either path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import ErrorCode, MLOpsError
from ..model_format import InputSchema

_NUMERIC_KINDS = "fiub"


class PayloadError(MLOpsError):
    """A request the endpoint cannot serve: a message, the field at fault and a code
    (`INVALID_INPUT`, a 422, unless said otherwise); `endpoint_errors` shapes its answer."""

    def __init__(
        self, message: str, field: str | None = None, code: ErrorCode = ErrorCode.INVALID_INPUT
    ) -> None:
        super().__init__(message, code, field)

    @property
    def status(self) -> int:
        """The HTTP status of the answer."""
        return self.http_status


def not_json() -> PayloadError:
    """The 400 of a body that does not parse as JSON."""
    return PayloadError("the body is not valid JSON", "body", ErrorCode.BAD_REQUEST)


@dataclass
class ModelInput:
    """One request's rows: `array` (numeric schema) or `frame` (mixed), `n_rows` of them."""

    n_rows: int
    array: np.ndarray | None = None
    frame: Any = None


class SchemaView:
    """What validation needs from an input schema, computed once per loaded model."""

    def __init__(self, schema: InputSchema) -> None:
        self.schema = schema
        self.names = [c.name for c in schema.columns]
        self.name_set = frozenset(self.names)
        self.dtypes = [c.dtype for c in schema.columns]
        self.numeric = all(_is_numeric(d) for d in self.dtypes)
        self.named = schema.named
        # Integer and boolean columns: (position, name, dtype), checked for nulls and fractions.
        self.exact = [
            (j, name, np.dtype(dtype))
            for j, (name, dtype) in enumerate(zip(self.names, self.dtypes, strict=True))
            if _is_numeric(dtype) and dtype is not None and np.dtype(dtype).kind in "iub"
        ]

    # --- shapes --------------------------------------------------------------------------

    def from_invocation(self, body: Any) -> ModelInput:
        """An MLflow `/invocations` body."""
        if not isinstance(body, dict) or len(body) != 1:
            raise PayloadError(
                "the body is one of {dataframe_split, dataframe_records, instances, inputs}",
                "body",
            )
        ((key, value),) = body.items()
        if key == "dataframe_split":
            if not isinstance(value, dict) or "data" not in value:
                raise PayloadError("dataframe_split needs 'data' (and 'columns')", key)
            return self.from_split(value.get("columns"), value["data"], key)
        if key == "dataframe_records":
            return self.from_records(value, key)
        if key in ("instances", "inputs"):
            if isinstance(value, dict):
                return self.from_columns(value, key)
            if isinstance(value, list) and value and isinstance(value[0], dict):
                return self.from_records(value, key)
            return self.from_split(None, value, key)
        raise PayloadError(f"unknown payload key {key!r}", "body")

    def from_predict(self, body: Any) -> ModelInput:
        """A `/predict` body: records, or columns."""
        if isinstance(body, list):
            return self.from_records(body, "records")
        if isinstance(body, dict):
            if "records" in body:
                return self.from_records(body["records"], "records")
            if "data" in body:
                return self.from_split(body.get("columns"), body["data"], "data")
            if isinstance(body.get("columns"), dict):
                return self.from_columns(body["columns"], "columns")
            if "columns" in body:
                raise PayloadError(
                    "columns is an object of {column: [values]}, or a list of names with data",
                    "columns",
                )
        raise PayloadError(
            "the body is a list of records, {records}, {columns} or {columns, data}", "body"
        )

    def from_records(self, records: Any, field: str) -> ModelInput:
        """A list of `{column: value}` objects."""
        if not isinstance(records, list) or not records:
            raise PayloadError(f"{field} must be a non-empty list of records", field)
        if not self.named:  # MLflow sends a frame of unnamed columns as records too
            return self._rows(self._unnamed_records(records, field))
        names, expected = self.names, self.name_set
        rows = []
        for record in records:
            if not isinstance(record, dict):
                raise PayloadError(f"{field} must hold objects, not {type(record).__name__}", field)
            if record.keys() != expected:
                self._check_columns(record.keys())
            rows.append([record[name] for name in names])
        return self._rows(rows)

    def _unnamed_records(self, records: list[Any], field: str) -> list[list[Any]]:
        """Rows of records for a model fitted on unnamed columns: keys that are the positions
        ("0", "1", ...) in position order, else the first record's keys in their order."""
        first = records[0]
        if not isinstance(first, dict):
            raise PayloadError(f"{field} must hold objects, not {type(first).__name__}", field)
        keys = list(first)
        if {str(key) for key in keys} == self.name_set:
            keys.sort(key=lambda key: self.names.index(str(key)))
        if len(keys) != len(self.names):
            raise PayloadError(f"{field}: each record needs {len(self.names)} values", field)
        rows = []
        for record in records:
            if not isinstance(record, dict) or record.keys() != first.keys():
                raise PayloadError(f"{field}: every record needs the same keys", field)
            rows.append([record[key] for key in keys])
        return rows

    def from_columns(self, columns: dict[str, Any], field: str) -> ModelInput:
        """`{column: [values]}`."""
        if not self.named:
            raise PayloadError("this model takes rows of values, not named columns", field)
        self._check_columns(columns.keys())
        lists = [columns[name] for name in self.names]
        if not all(isinstance(values, list) for values in lists):
            raise PayloadError(f"{field}: each column is a list of values", field)
        lengths = {len(values) for values in lists}
        if len(lengths) != 1 or 0 in lengths:
            raise PayloadError(f"{field}: the columns must be non-empty lists of one length", field)
        return self._rows([list(row) for row in zip(*lists, strict=True)])

    def from_split(self, columns: Any, data: Any, field: str) -> ModelInput:
        """`columns` (or None: schema order) and `data` (a list of rows, or of scalars)."""
        if columns is not None and not isinstance(columns, list):
            raise PayloadError(
                f"{field}: columns must be a list of names, not {type(columns).__name__}",
                "columns",
            )
        if not isinstance(data, list) or not data:
            raise PayloadError(f"{field}: data must be a non-empty list of rows", field)
        if not isinstance(data[0], list):
            data = [[value] for value in data]
        width = len(self.names)
        if any(
            not isinstance(row, list) or len(row) != (len(columns) if columns else width)
            for row in data
        ):
            expected = len(columns) if columns else width
            raise PayloadError(f"{field}: each row needs {expected} values", field)
        if columns is None or (not self.named and [str(c) for c in columns] == self.names):
            return self._rows(data)
        columns = [str(c) for c in columns]
        if columns != self.names:
            self._check_columns(columns)
            if len(set(columns)) != len(columns):
                raise PayloadError(f"{field}: repeated column names", field)
            order = [columns.index(name) for name in self.names]
            data = [[row[i] for i in order] for row in data]
        return self._rows(data)

    # --- checks --------------------------------------------------------------------------

    def _check_columns(self, given: Any) -> None:
        given = set(given)
        missing = [name for name in self.names if name not in given]
        if missing:
            raise PayloadError(f"missing column {missing[0]!r}", missing[0])
        unknown = sorted(str(name) for name in given - self.name_set)
        if unknown:
            raise PayloadError(f"unknown column {unknown[0]!r}", unknown[0])

    def _rows(self, rows: list[list[Any]]) -> ModelInput:
        if self.numeric:
            try:
                array = np.array(rows)
            except ValueError:
                array = np.array(rows, dtype=object)
            if array.dtype.kind not in _NUMERIC_KINDS or array.ndim != 2:
                self._find_non_number(rows)
                array = np.array(rows, dtype=np.float64)
            array = array.astype(np.float64, copy=False)
            for j, name, dtype in self.exact:
                _check_exact(name, dtype, array[:, j])
            return ModelInput(len(rows), array=array)
        return ModelInput(len(rows), frame=self._frame(rows))

    def _find_non_number(self, rows: list[list[Any]]) -> None:
        for j, name in enumerate(self.names):
            for i, row in enumerate(rows):
                value = row[j]
                if value is None or (
                    isinstance(value, (int, float, bool)) and not isinstance(value, str)
                ):
                    continue
                raise PayloadError(
                    f"column {name!r} row {i}: expected a number ({self.dtypes[j] or 'numeric'}),"
                    f" got {type(value).__name__} {value!r:.40}",
                    name,
                )

    def _frame(self, rows: list[list[Any]]) -> Any:
        import pandas as pd

        frame = pd.DataFrame(rows, columns=self.names)
        for name, dtype in zip(self.names, self.dtypes, strict=True):
            if _is_numeric(dtype):
                for i, value in enumerate(frame[name]):
                    if not (value is None or isinstance(value, (int, float, bool, np.number))):
                        raise PayloadError(
                            f"column {name!r} row {i}: expected a number ({dtype}), got "
                            f"{type(value).__name__} {value!r:.40}",
                            name,
                        )
                if dtype is not None and np.dtype(dtype).kind in "iub":
                    values = [np.nan if v is None else v for v in frame[name]]
                    _check_exact(name, np.dtype(dtype), np.asarray(values, dtype=np.float64))
                frame[name] = frame[name].astype("float64" if dtype is None else dtype)
            elif dtype in ("object", "str", "string", "category"):
                bad = [v for v in frame[name] if v is not None and not isinstance(v, str)]
                if bad:
                    raise PayloadError(
                        f"column {name!r}: expected text, got {type(bad[0]).__name__}", name
                    )
                if dtype == "category":
                    frame[name] = frame[name].astype("category")
            elif dtype is not None:
                try:
                    frame[name] = frame[name].astype(dtype)
                except (TypeError, ValueError):
                    raise PayloadError(
                        f"column {name!r} does not convert to {dtype}", name
                    ) from None
        return frame


def _check_exact(name: str, dtype: np.dtype[Any], values: np.ndarray) -> None:
    """Refuse (422 naming the column) a null, a fraction or an out-of-range value in an integer
    or boolean column: casting would turn them into another number without a word."""
    nulls = np.flatnonzero(np.isnan(values))
    if nulls.size:
        raise PayloadError(
            f"column {name!r} row {nulls[0]}: null, but the signature says {dtype}", name
        )
    if dtype.kind == "b":
        bad = np.flatnonzero((values != 0) & (values != 1))
        expected = "true, false, 0 or 1"
    else:
        info = np.iinfo(dtype)
        bad = np.flatnonzero(
            (values != np.floor(values)) | (values < float(info.min)) | (values >= float(info.max))
        )
        expected = "a whole number in its range"
    if bad.size:
        raise PayloadError(
            f"column {name!r} row {bad[0]}: {float(values[bad[0]]):g}, but the signature says "
            f"{dtype} ({expected})",
            name,
        )


def _is_numeric(dtype: str | None) -> bool:
    if dtype is None:
        return True
    try:
        return np.dtype(dtype).kind in _NUMERIC_KINDS
    except TypeError:
        return False
