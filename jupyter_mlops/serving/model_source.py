"""Which model version an endpoint process serves, and loading it.

Exactly one source per process (see `EndpointConfig`): an endpoint record in the store (its
alias or pinned version), `NAME@ALIAS` (follows the alias) or `NAME/3` (fixed), or a model
folder without a store (a Docker image: `endpoint.json` names the model, version and sha256).
The endpoint's version watcher calls `target_version` every `poll_s` and `load` on a change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from ..core import artifact_store


class EndpointConfig(Protocol):
    """What a source reads of `endpoint_app.EndpointConfig` (declared here, so that this module
    does not import the app that imports it)."""

    endpoint: str | None
    model: str | None
    model_dir: str | None


ENDPOINT_FILE = "endpoint.json"


class ModelSource:
    """Which version to serve and how to load it: from the store, or from a folder."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.name = ""
        self._registry: Any = None
        self._ref: Any = None
        if config.model_dir is None:
            from .api import get_registry
            from .model_uri import parse_ref

            self._registry = get_registry()
            if config.endpoint:
                self.name = self._registry.get_endpoint(config.endpoint).model_name
            else:
                self._ref = parse_ref(config.model)
                self.name = self._ref.name
        else:
            meta = self._folder_meta()
            self.name = meta.get("name", Path(config.model_dir).name)

    @property
    def follows(self) -> bool:
        """Whether the version may change while the process runs."""
        if self._registry is None:
            return False
        return bool(self.config.endpoint or (self._ref is not None and self._ref.alias))

    def _folder_meta(self) -> dict[str, Any]:
        assert self.config.model_dir is not None
        path = Path(self.config.model_dir) / ENDPOINT_FILE
        return json.loads(path.read_text()) if path.is_file() else {}

    def target_version(self) -> int:
        """The version this endpoint should serve now."""
        if self._registry is None:
            return int(self._folder_meta().get("version", 1))
        if self.config.endpoint:
            return int(self._registry.endpoint_version(self.config.endpoint))
        return int(self._registry.resolve(self._ref))

    def load(self, version: int) -> Any:
        """Load `version` (blocking): a `LoadedModel`."""
        from ..model_format import EXAMPLE_FILE, load_model
        from ..model_format.mlflow_pickle import pickle_allowed
        from .batcher import LoadedModel
        from .model_call import positional, proba_decides
        from .model_uri import ModelRef
        from .payloads import SchemaView

        if self._registry is None:
            assert self.config.model_dir is not None
            folder = Path(self.config.model_dir)
            meta = self._folder_meta()
            if meta.get("location") and meta.get("sha256"):
                # An image exported --from-root: the version's files are fetched from the
                # artifact root at start; load_model checks the pinned hash on them.
                folder = artifact_store.local_copy(str(meta["location"]), str(meta["sha256"]))
            estimator, info = load_model(folder, expected_sha256=meta.get("sha256"))
        else:
            entry = self._registry.get_version(ModelRef(self.name, version=version))
            estimator, info = self._registry.load(entry, allow_pickle=pickle_allowed())
            # The files `load` checked: the version's folder, or its download from object storage.
            folder = artifact_store.local_copy(entry.storage_location, entry.content_hash)
        example_path = folder / EXAMPLE_FILE
        example = json.loads(example_path.read_text()) if example_path.is_file() else None
        view = SchemaView(info.input_schema)
        decides = proba_decides(estimator)
        return LoadedModel(
            estimator=estimator,
            version=version,
            view=view,
            needs_frame=not positional(estimator, view.names),
            has_proba=callable(getattr(estimator, "predict_proba", None)),
            classes=info.classes,
            info=info,
            example=example,
            proba_decides=decides,
            classes_array=estimator.classes_ if decides else None,
        )
