"""Bad profiling requests are refused with a 4xx naming the field, before any job starts
(issue 9): NUL bytes, over-long names, surrogates, bidi characters, non-numbers as `sample`,
links out of the root inside a Parquet folder, and files the parser cannot read."""

from __future__ import annotations

import pandas as pd
import pytest
from tornado.httpclient import HTTPClientError

from tests.profiling.test_profiling_api import call, error_of, finished
from tests.support.rest import error_body

pytestmark = pytest.mark.capabilities("profiling")


@pytest.fixture
def data_csv(jp_root_dir):
    pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}).to_csv(jp_root_dir / "d.csv", index=False)
    return "d.csv"


async def post_raw(jp_fetch, text: str):
    """POST a JSON text as is (json.dumps cannot write Infinity or lone surrogates)."""
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "profiles", method="POST", body=text)
    return info.value.code, error_body(info.value)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"path": "d\u0000.csv"}, "path"),
        ({"path": "data/" + "x" * 256 + ".csv"}, "path"),
        ({"path": "d.csv", "name": "a\u0000b"}, "name"),
        ({"path": "d.csv", "name": "invoice\u202egnp.csv"}, "name"),
        ({"path": "d.csv", "name": "two\nlines"}, "name"),
        ({"path": "d.csv", "sample": 1.5}, "sample"),
        ({"path": "d.csv", "sample": True}, "sample"),
        ({"path": "d.csv", "sample": 0}, "sample"),
        ({"path": "d.csv", "sample": "10"}, "sample"),
        ({"path": "d.csv", "csv": {"delimiter": "xx"}}, "csv.delimiter"),
        ({"path": "d.csv", "csv": {"encoding": "no-such-codec"}}, "csv.encoding"),
    ],
)
async def test_bad_requests_are_400_naming_the_field(jp_fetch, data_csv, body, field):
    code, error = await error_of(jp_fetch, "profiles", method="POST", body=body)
    # NUL bytes anywhere in a body are refused by the REST base already ("body").
    assert code == 400 and error["field"] in (field, "body"), error


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"path": "d.csv", "sample": Infinity}', "sample"),
        ('{"path": "d.csv", "sample": NaN}', "sample"),
        ('{"path": "d.csv", "name": "\\ud800"}', "name"),
        ('{"path": "d\\udfff.csv"}', "path"),
    ],
)
async def test_non_json_numbers_and_lone_surrogates_are_400(jp_fetch, data_csv, text, field):
    code, error = await post_raw(jp_fetch, text)
    # Lone surrogates anywhere in a body are refused by the REST base already ("body").
    assert code == 400 and error["field"] in (field, "body"), error


async def test_a_parquet_part_linking_out_of_the_root_is_refused(jp_fetch, jp_root_dir, tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    pd.DataFrame({"secret": [1, 2]}).to_parquet(outside / "part.0.parquet")
    folder = jp_root_dir / "dataset.parquet"
    folder.mkdir()
    pd.DataFrame({"secret": [3]}).to_parquet(folder / "part.0.parquet")
    (folder / "part.1.parquet").symlink_to(outside / "part.0.parquet")
    code, error = await error_of(
        jp_fetch, "profiles", method="POST", body={"path": "dataset.parquet"}
    )
    assert code == 403 and error["field"] == "path"
    assert "dataset.parquet/part.1.parquet" in error["message"]


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        ("", "the file has no columns (it is empty)"),
        ("a,b\n1,2\n3,4,5\n6,7\n", "line 3 has 3 fields where the header has 2"),
    ],
)
async def test_a_csv_that_does_not_parse_says_why_relative_to_the_root(
    jp_fetch, jp_root_dir, content, cause
):
    (jp_root_dir / "sub").mkdir()
    (jp_root_dir / "sub" / "bad.csv").write_text(content)
    _, job = await call(jp_fetch, "profiles", method="POST", body={"path": "sub/bad.csv"})
    state, _ = await finished(jp_fetch, job["id"])
    error = state["job"]["error"]
    assert state["job"]["status"] == "failed" and error["field"] == "path"
    assert error["message"] == f"cannot read sub/bad.csv: {cause}"
    assert str(jp_root_dir) not in error["message"]


async def test_csv_options_choose_the_delimiter_and_encoding(jp_fetch, jp_root_dir):
    text = "name;city\nJosé;Zürich\nAnaïs;Genève\n"
    (jp_root_dir / "latin.csv").write_bytes(text.encode("latin-1"))
    body = {"path": "latin.csv", "csv": {"delimiter": ";", "encoding": "latin-1"}}
    _, job = await call(jp_fetch, "profiles", method="POST", body=body)
    state, _ = await finished(jp_fetch, job["id"])
    assert state["job"]["status"] == "done", state["job"]["error"]
    columns = state["profile"]["columns"]
    assert list(columns) == ["name", "city"]
    assert {value for value, _ in columns["city"]["top_values"]} == {"Zürich", "Genève"}


async def test_a_saved_profile_downloads_as_an_html_report(jp_fetch, data_csv):
    _, job = await call(jp_fetch, "profiles", method="POST", body={"path": data_csv, "name": "d"})
    state, _ = await finished(jp_fetch, job["id"])
    response = await jp_fetch("mlops", "api", "profiles", state["job"]["profile_id"], "report")
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Content-Disposition"] == 'attachment; filename="d.html"'
    assert "sandbox" in response.headers["Content-Security-Policy"]
    html = response.body.decode()
    assert html.startswith("<!DOCTYPE html>") and "class='jp-MLOps-profile-card'" in html


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"path": "a\u0000b.csv"}, "path"),
        ({"path": "a\udfff.csv"}, "path"),
        ({"path": "a.csv", "name": "\ud800"}, "name"),
        ({"path": "a.csv", "name": "x\u0000"}, "name"),
    ],
)
def test_the_contract_itself_refuses_what_the_rest_base_may_catch_first(body, field):
    # Python callers of the contract (and a REST base that lets them through) get the field.
    from pydantic import ValidationError

    from jupyter_mlops.profiling.api_models import ProfileRequest

    with pytest.raises(ValidationError) as info:
        ProfileRequest.model_validate(body)
    assert info.value.errors()[0]["loc"] == (field,)
