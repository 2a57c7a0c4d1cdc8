"""Type stub of `jupyter_mlops`: the lazily imported public API, for type checkers.

`__init__.py` imports these names on first use (`_PUBLIC_API`) so that the server extension
and `%load_ext` stay fast; a type checker cannot follow that, so this stub imports each name
from the module that defines it. `tests/test_public_api_stub.py` fails when the two differ.
"""

from typing import Any

from ._version import __version__ as __version__
from .clusters.client import get_client as get_client
from .core.errors import MLOpsError as MLOpsError
from .evaluation import constraints as constraints
from .evaluation import evaluate as evaluate
from .evaluation import validate as validate
from .evaluation.api import check_gates as check_gates
from .evaluation.api import get_gate_run as get_gate_run
from .evaluation.api import get_gates as get_gates
from .evaluation.api import promote as promote
from .evaluation.api import propose_promotion as propose_promotion
from .evaluation.api import set_gates as set_gates
from .evaluation.api import set_version_constraints as set_version_constraints
from .evaluation.api import version_constraints as version_constraints
from .health.service import status as status
from .jobs.api import run_notebook as run_notebook
from .jobs.api import schedule as schedule
from .monitoring.api import create_monitor as create_monitor
from .monitoring.api import delete_monitor as delete_monitor
from .monitoring.api import evaluate_monitor as evaluate_monitor
from .monitoring.api import get_monitor as get_monitor
from .monitoring.api import list_monitors as list_monitors
from .monitoring.api import log_labels as log_labels
from .monitoring.api import monitor_alerts as monitor_alerts
from .monitoring.api import monitor_windows as monitor_windows
from .monitoring.drift import DriftReport as DriftReport
from .monitoring.drift import drift as drift
from .profiling.api import profile as profile
from .profiling.compare import compare_profiles as compare_profiles
from .profiling.entities import Profile as Profile
from .profiling.report import profile_report as profile_report
from .profiling.store import list_profiles as list_profiles
from .profiling.store import load_profile as load_profile
from .profiling.store import save_profile as save_profile
from .serving.api import delete_model_alias as delete_model_alias
from .serving.api import deploy as deploy
from .serving.api import get_endpoint as get_endpoint
from .serving.api import get_model_version as get_model_version
from .serving.api import list_endpoints as list_endpoints
from .serving.api import list_model_versions as list_model_versions
from .serving.api import list_models as list_models
from .serving.api import load_model as load_model
from .serving.api import register_model as register_model
from .serving.api import rollback as rollback
from .serving.api import rotate_endpoint_token as rotate_endpoint_token
from .serving.api import set_model_alias as set_model_alias
from .serving.api import stop_endpoint as stop_endpoint
from .serving.request_log import read_requests as read_requests
from .tracking.autolog import autolog as autolog
from .tracking.fluent import active_run as active_run
from .tracking.fluent import end_run as end_run
from .tracking.fluent import flush as flush
from .tracking.fluent import get_run as get_run
from .tracking.fluent import log_metric as log_metric
from .tracking.fluent import log_metrics as log_metrics
from .tracking.fluent import log_param as log_param
from .tracking.fluent import log_params as log_params
from .tracking.fluent import set_experiment as set_experiment
from .tracking.fluent import set_tag as set_tag
from .tracking.fluent import set_tags as set_tags
from .tracking.fluent import start_run as start_run
from .tracking.frames import search_runs as search_runs
from .tracking.logging_artifacts import log_artifact as log_artifact
from .tracking.logging_artifacts import log_dict as log_dict
from .tracking.logging_artifacts import log_figure as log_figure
from .tracking.logging_artifacts import log_model as log_model
from .tracking.logging_artifacts import log_text as log_text
from .tracking.mlflow_style_client import Client as Client
from .tracking.mlflow_style_client import get_metric_history as get_metric_history

__all__: list[str]
_PUBLIC_API: dict[str, str]

def _jupyter_labextension_paths() -> list[dict[str, str]]: ...
def _jupyter_server_extension_points() -> list[dict[str, Any]]: ...
def load_ipython_extension(ipython: Any) -> None: ...
