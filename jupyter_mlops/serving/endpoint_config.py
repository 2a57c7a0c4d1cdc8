"""What an endpoint process serves and how (`EndpointConfig`), and how it travels to workers.

The configuration can travel as JSON (`to_json`, `from_json`; `$JUPYTER_MLOPS_ENDPOINT_CONFIG`
by convention). `serve --workers N` needs neither: its workers are forks of the process that
parsed it (`prefork`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

CONFIG_ENV = "JUPYTER_MLOPS_ENDPOINT_CONFIG"


@dataclass
class EndpointConfig:
    """What an endpoint process serves and how.

    Exactly one of `endpoint` (follow that endpoint's record in the store), `model` (`NAME@ALIAS`
    follows the alias, `NAME/3` is fixed) or `model_dir` (a folder, no store) is set.
    """

    endpoint: str | None = None
    model: str | None = None
    model_dir: str | None = None
    log_name: str | None = None
    max_body_bytes: int = 10 * 1024 * 1024
    max_batch_rows: int = 512
    max_wait_ms: float = 2.0
    poll_s: float = 0.5
    log_requests: bool = True
    log_queue_rows: int = 100_000
    restarts: int = 0

    def to_json(self) -> str:
        """The config as JSON (what the environment variable carries)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> EndpointConfig:
        """Parse `to_json`'s output."""
        return cls(**json.loads(text))
