"""The micro-batcher in-process: concurrent requests share model calls, each gets its own rows,
and a request the model refuses fails alone."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from jupyter_mlops.model_format import ColumnSpec, InputSchema
from jupyter_mlops.serving.batcher import LoadedModel, MicroBatcher
from jupyter_mlops.serving.payloads import ModelInput, SchemaView


class Doubler:
    """Predicts twice the first column; refuses any row whose first value is negative."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def predict(self, X: np.ndarray) -> np.ndarray:
        self.calls.append(len(X))
        if (X[:, 0] < 0).any():
            raise ValueError("negative input")
        return X[:, 0] * 2


def loaded(estimator: Doubler) -> LoadedModel:
    schema = InputSchema([ColumnSpec("a", "float64"), ColumnSpec("b", "float64")], True)
    return LoadedModel(estimator, 1, SchemaView(schema), False, False, None)


def rows(*values: float) -> ModelInput:
    return ModelInput(len(values), array=np.array([[v, 0.0] for v in values]))


async def test_concurrent_requests_share_calls_and_get_their_rows() -> None:
    estimator = Doubler()
    sizes: list[int] = []
    batcher = MicroBatcher(max_batch_rows=64, max_wait_ms=5, on_batch=sizes.append)
    batcher.start()
    model = loaded(estimator)
    try:
        answers = await asyncio.gather(
            *(batcher.predict(model, rows(i, i + 0.5), False, str(i)) for i in range(40))
        )
    finally:
        await batcher.close()
    for i, answer in enumerate(answers):
        assert answer.predictions == [2 * i, 2 * i + 1]
    assert sum(sizes) == 80
    assert max(sizes) > 2  # at least one call served several requests
    assert len(estimator.calls) < 40


async def test_a_refused_request_fails_alone() -> None:
    estimator = Doubler()
    batcher = MicroBatcher(max_batch_rows=64, max_wait_ms=5)
    batcher.start()
    model = loaded(estimator)
    try:
        results = await asyncio.gather(
            *(batcher.predict(model, rows(-1.0 if i == 3 else i), False, str(i)) for i in range(8)),
            return_exceptions=True,
        )
    finally:
        await batcher.close()
    assert isinstance(results[3], ValueError)
    for i, result in enumerate(results):
        if i != 3:
            assert not isinstance(result, BaseException), result
            assert result.predictions == [2 * i]


def test_rows_of_every_shape_land_in_schema_order() -> None:
    view = SchemaView(InputSchema([ColumnSpec("a", "float64"), ColumnSpec("b", "int64")], True))
    expected = [[1.0, 2.0], [3.0, 4.0]]
    shapes = [
        view.from_records([{"b": 2, "a": 1}, {"a": 3, "b": 4}], "records"),
        view.from_columns({"b": [2, 4], "a": [1, 3]}, "columns"),
        view.from_split(["b", "a"], [[2, 1], [4, 3]], "data"),
        view.from_split(None, [[1, 2], [3, 4]], "data"),
    ]
    for shape in shapes:
        assert shape.array is not None and shape.array.tolist() == expected
    nulls = view.from_records([{"a": None, "b": 1}], "records")
    assert nulls.array is not None and np.isnan(nulls.array[0, 0])
    with pytest.raises(Exception, match="column 'b' row 1"):
        view.from_records([{"a": 1, "b": 2}, {"a": 1, "b": "x"}], "records")
