"""Paging and bounds of MLflow's tracking searches (`experiments/search`, `runs/search`,
`metrics/get-history`): view types, MLflow's `max_results` bound, and page tokens that are
offsets into the facade's own lists."""

from __future__ import annotations

import base64
import binascii

from ..tracking.entities import RunView
from .errors import INVALID_PARAMETER_VALUE, MlflowError

_VIEWS = {
    "ACTIVE_ONLY": RunView.ACTIVE_ONLY,
    "DELETED_ONLY": RunView.DELETED_ONLY,
    "ALL": RunView.ALL,
}


def view(name: str) -> RunView:
    """The store's `RunView` for MLflow's view type name (`INVALID_PARAMETER_VALUE` else)."""
    try:
        return _VIEWS[name]
    except KeyError:
        raise MlflowError(
            f"Invalid view type {name!r}: use ACTIVE_ONLY, DELETED_ONLY or ALL",
            INVALID_PARAMETER_VALUE,
            "view_type",
        ) from None


SEARCH_MAX_RESULTS = 50_000  # MLflow's server's bound on a search page


def check_max_results(value: int) -> None:
    """MLflow's server's bound on `max_results`, refused in its words (clients match them)."""
    if not 0 < value <= SEARCH_MAX_RESULTS:
        raise MlflowError(
            f"Invalid value {value} for parameter 'max_results' supplied: Hint: at most "
            f"{SEARCH_MAX_RESULTS} results per page.",
            INVALID_PARAMETER_VALUE,
            "max_results",
        )


def page_start(token: str | None) -> int:
    """The offset a page token of this module stands for (0 for none)."""
    if not token:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(token.encode()).decode())
    except (ValueError, UnicodeDecodeError, binascii.Error):
        offset = -1
    if offset < 0:
        raise MlflowError("Invalid page token", INVALID_PARAMETER_VALUE, "page_token")
    return offset


def page_token(offset: int) -> str:
    """The page token of the page starting at `offset` (see `page_start`)."""
    return base64.urlsafe_b64encode(str(offset).encode()).decode()
