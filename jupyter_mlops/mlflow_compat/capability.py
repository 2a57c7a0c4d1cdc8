"""The MLflow compatibility capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey
from ..tracking.capability import TRACKING

if TYPE_CHECKING:
    from .facade import MlflowFacade
    from .logged_models import LoggedModels
    from .registry_facade import MlflowRegistry

MLFLOW_TRACKING: ServiceKey[MlflowFacade] = ServiceKey("mlflow_compat")
MLFLOW_LOGGED_MODELS: ServiceKey[LoggedModels] = ServiceKey("mlflow_logged_models")
MLFLOW_REGISTRY: ServiceKey[MlflowRegistry] = ServiceKey("mlflow_registry")

CAPABILITY = Capability(
    "mlflow_compat",
    "MLflow compatibility",
    "jupyter_mlops.mlflow_compat.handlers",
    provides=(MLFLOW_TRACKING, MLFLOW_LOGGED_MODELS),
    requires=(TRACKING,),
    # MLflow's model registry routes answer when serving runs (MLFLOW_REGISTRY then).
    uses=("registry",),
)
