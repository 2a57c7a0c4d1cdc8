"""`models:/NAME/VERSION` and `models:/NAME@ALIAS` where constraints are named: the version a
URI means, and the constraints that version carries. Below `api`, `validation` and `job_inputs`,
which all resolve such URIs."""

from __future__ import annotations

from typing import Any

from ..core.errors import MLOpsError

URI_FORMS = "'models:/NAME/VERSION' or 'models:/NAME@ALIAS'"


def version_ref(uri: str) -> Any:
    """The `ModelRef` of `models:/NAME/VERSION` or `models:/NAME@ALIAS` (a 400 naming
    `validate` otherwise: a bare name or `latest` would move under a scheduled job unseen)."""
    from ..serving.model_uri import parse_ref

    try:
        ref = parse_ref(uri, "validate")
    except MLOpsError as exc:
        raise MLOpsError(f"validate: {exc.message}; use {URI_FORMS}", field="validate") from None
    if ref.alias is None and ref.version is None:
        raise MLOpsError(f"validate: constraints of a version are {URI_FORMS}", field="validate")
    return ref


def carried_constraints(ref: Any) -> Any:
    """The constraints the version `ref` (a `ModelRef`; an alias is read now) carries: attached,
    else suggested from its training data; None when it has neither."""
    from ..core.store import get_database
    from ..serving.api import get_registry
    from .promotion import version_constraints
    from .store import EvaluationStore

    return version_constraints(EvaluationStore(get_database()), get_registry().get_version(ref))
