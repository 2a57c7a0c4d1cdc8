"""The evaluation capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey
from ..core.tasks import TASK_RUNNER
from ..serving.capability import REGISTRY

if TYPE_CHECKING:
    from .store import EvaluationStore

GATES_TASK = "evaluation.gates"
EVALUATION_STORE: ServiceKey[EvaluationStore] = ServiceKey("evaluation_store")

CAPABILITY = Capability(
    "evaluation",
    "Evaluation and gates",
    "jupyter_mlops.evaluation.handlers",
    provides=(EVALUATION_STORE,),
    # Gates judge registered versions, in gate runs of the jobs runner.
    requires=(REGISTRY, TASK_RUNNER),
    task_kinds={GATES_TASK: "jupyter_mlops.evaluation.tasks:run_gates"},
    migrations="migrations",
)
