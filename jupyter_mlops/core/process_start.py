"""What a process of ours does first, before anything imports the Jupyter stack."""

from __future__ import annotations

import sys


def skip_iri_grammar() -> None:
    """Keep jsonschema from building rfc3987-syntax's IRI grammar when it is imported later.

    jsonschema (imported by nbformat, papermill and jupyter_events) imports `rfc3987_syntax`,
    when installed, for its `iri` and `iri-reference` format checkers, and that module compiles
    about 35 Lark Earley parsers at import: 2.6 s of CPU here, more than the rest of a notebook
    task's start. No schema these processes validate (nbformat's notebook schema, jupyter_events'
    event schemas, ours) uses those two formats; with the module marked absent, jsonschema has no
    checker for them, exactly as when the package is not installed. Too late once jsonschema is
    imported (its checkers are built), so then it does nothing.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
