"""Job definitions from user input: paths confined to the root, a notebook snapshot, checked
parameters and schedules. The REST handlers, the CLI, the magics and the Python API all call it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core import input_checks
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from .entities import MISSED_POLICIES, OUTPUT_FORMATS, Job, JobSpec
from .parameters import Parameter, check_parameters, inspect_parameters
from .schedule import check_cron, check_timezone
from .store import JobStore, now_ms
from .targets import job_target


def resolve_notebook(root: Path, path: str, field: str = "notebook_path") -> tuple[Path, str]:
    """`path` (relative to `root`, or absolute inside it) as (absolute path, path from root).

    Leaving the root (also through a symlink) is a 403; a missing file a 404; not an .ipynb
    a 400; all naming `field`.
    """
    if not path or not path.strip():
        raise MLOpsError("give the path of a notebook", field=field)
    root = root.resolve()
    try:
        target = (root / path).resolve()
        exists = target.is_file()
    except (ValueError, OSError) as exc:  # NUL bytes, names too long, loops
        raise MLOpsError(f"not a usable path: {exc}", field=field) from None
    if not target.is_relative_to(root):
        raise MLOpsError(
            f"{path!r} is outside the server's root directory", ErrorCode.FORBIDDEN, field
        )
    if not exists:
        raise NotFoundError(f"no such notebook: {path}", field=field)
    if target.suffix != ".ipynb":
        raise MLOpsError(f"{path!r} is not a notebook (.ipynb)", field=field)
    return target, target.relative_to(root).as_posix()


def read_notebook(target: Path, field: str = "notebook_path") -> tuple[str, Any]:
    """The notebook's JSON text and its nbformat node (a 400 naming `field` if unreadable)."""
    import nbformat

    text = target.read_text(encoding="utf-8")
    try:
        return text, nbformat.reads(text, as_version=4)
    except Exception as exc:
        raise MLOpsError(f"{target.name} is not a readable notebook: {exc}", field=field) from None


def notebook_parameters(root: Path, path: str) -> list[Parameter]:
    """The parameters of the notebook at `path` (under `root`)."""
    target, _ = resolve_notebook(root, path, "path")
    return inspect_parameters(read_notebook(target, "path")[1])


def check_spec(spec: JobSpec) -> JobSpec:
    """The spec's scalar fields validated (cron, timezone, target, outputs, limits)."""
    schedule = check_cron(spec.schedule) if spec.schedule else None
    check_timezone(spec.timezone)
    job_target(spec.target).check(spec)  # a registered target, and one that can run this job
    if spec.missed_policy not in MISSED_POLICIES:
        raise MLOpsError(
            f"missed_policy is one of {', '.join(MISSED_POLICIES)}", field="missed_policy"
        )
    outputs = list(dict.fromkeys(spec.outputs or ["ipynb"]))
    for kind in outputs:
        if kind not in OUTPUT_FORMATS:
            raise MLOpsError(f"outputs are among {', '.join(OUTPUT_FORMATS)}", field="outputs")
    if "ipynb" not in outputs:
        outputs.insert(0, "ipynb")
    if spec.timeout_s is not None and not 0 < spec.timeout_s <= 30 * 24 * 3600:
        raise MLOpsError("timeout_s is between 1 s and 30 days", field="timeout_s")
    if not 0 <= spec.retries <= 10:
        raise MLOpsError("retries is between 0 and 10", field="retries")
    return replace(spec, schedule=schedule, outputs=outputs)


def check_job_name(name: str) -> str:
    """A job name: 1 to 256 printable characters (a 400 naming `name` otherwise)."""
    if not name or len(name) > 256 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise MLOpsError("a job name is 1 to 256 printable characters", field="name")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise MLOpsError("a job name is valid Unicode text", field="name") from None
    return name


def check_input_validation(
    declared: list[Parameter], value: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A job's `validate:`: it names a parameter of the notebook and readable constraints
    (checked by the capability that installed `core.input_checks`); a 400 naming `validate`."""
    if value is None:
        return None
    parameter = value.get("parameter")
    if parameter not in {p.name for p in declared}:
        raise MLOpsError(
            f"validate: {parameter!r} is not a parameter of the notebook", field="validate"
        )
    input_checks.parse(value.get("constraints"))
    return {"parameter": parameter, "constraints": value.get("constraints")}


class JobService:
    """Creates and changes job definitions for notebooks under `root_dir`."""

    def __init__(self, store: JobStore, root_dir: Path) -> None:
        self.store = store
        self.root_dir = Path(root_dir).resolve()

    def create(self, spec: JobSpec, *, from_text: bool = False) -> Job:
        """Check `spec`, snapshot its notebook and store the job."""
        spec = check_spec(spec)
        target, relative = resolve_notebook(self.root_dir, spec.notebook_path)
        text, nb = read_notebook(target)
        declared = inspect_parameters(nb)
        parameters = check_parameters(declared, spec.parameters, from_text=from_text)
        checks = check_input_validation(declared, spec.input_validation)
        spec = replace(spec, notebook_path=relative, parameters=parameters, input_validation=checks)
        name = check_job_name((spec.name or "").strip() or target.stem)
        return self.store.create_job(spec, text, name)

    def snapshot_parameters(self, job_id: str) -> list[Parameter]:
        """The parameters of the notebook snapshot a job runs."""
        import nbformat

        return inspect_parameters(nbformat.reads(self.store.snapshot(job_id), as_version=4))

    def update(
        self, job_id: str, changes: dict[str, Any], *, refresh_snapshot: bool = False
    ) -> Job:
        """Change a job's fields; `refresh_snapshot` re-reads the notebook from its path."""
        job = self.store.get_job(job_id)
        allowed = {
            "name", "parameters", "schedule", "timezone", "target", "gpu", "timeout_s",
            "retries", "outputs", "paused", "missed_policy", "input_validation",
        }  # fmt: skip
        unknown = set(changes) - allowed
        if unknown:
            field = sorted(unknown)[0]
            raise MLOpsError(f"{field} cannot be changed", field=field)
        merged = JobSpec(
            notebook_path=job.notebook_path,
            name=changes.get("name", job.name),
            parameters=changes.get("parameters", job.parameters),
            schedule=changes.get("schedule", job.schedule),
            timezone=changes.get("timezone", job.timezone),
            target=changes.get("target", job.target),
            gpu=changes.get("gpu", job.gpu),
            timeout_s=changes.get("timeout_s", job.timeout_s),
            retries=changes.get("retries", job.retries),
            outputs=changes.get("outputs", job.outputs),
            paused=changes.get("paused", job.paused),
            missed_policy=changes.get("missed_policy", job.missed_policy),
        )
        merged = check_spec(merged)
        values: dict[str, Any] = {key: getattr(merged, key) for key in changes}
        if refresh_snapshot:
            target, _ = resolve_notebook(self.root_dir, job.notebook_path)
            text, nb = read_notebook(target)
            values["snapshot"] = text
            declared = inspect_parameters(nb)
        else:
            import nbformat

            declared = inspect_parameters(nbformat.reads(self.store.snapshot(job_id), 4))
        if "parameters" in changes or refresh_snapshot:
            values["parameters"] = check_parameters(declared, merged.parameters)
        if "input_validation" in changes or refresh_snapshot:
            values["input_validation"] = check_input_validation(
                declared, changes.get("input_validation", job.input_validation)
            )
        # Resuming, or a new schedule, looks for firings from now on: nothing "missed" while
        # paused fires at resume.
        if (
            ("paused" in changes and not merged.paused and job.paused)
            or ("schedule" in changes and merged.schedule != job.schedule)
            or ("timezone" in changes and merged.timezone != job.timezone)
        ):
            values["schedule_since"] = now_ms()
        if "name" in values:
            values["name"] = check_job_name((values["name"] or job.name).strip())
        return self.store.update_job(job_id, **values)
