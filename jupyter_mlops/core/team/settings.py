"""The team configuration, one object per process.

The server builds it from `MLOpsApp` traitlets (`default_permission`, `team_admins`,
`protected_aliases`, `notifications`) and exports it as JSON in `$JUPYTER_MLOPS_TEAM`, so the
kernels, job runs and endpoints it starts apply the same rules. Without either, the defaults
hold: everyone edits everything, no alias is protected, nothing is notified; a single user
notices nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

TEAM_ENV = "JUPYTER_MLOPS_TEAM"
PROTECTED_ALIASES_TAG = "mlops.protected_aliases"


@dataclass(frozen=True)
class Channel:
    """Where notifications go: a webhook URL or an SMTP recipient list, and for which events.

    `secret_env` names the environment variable holding the webhook's HMAC key, `password_env`
    the SMTP password: secrets never sit in configuration files or the store.
    """

    kind: str  # "webhook" | "email"
    events: tuple[str, ...] = ("*",)
    url: str = ""
    secret_env: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    sender: str = "jupyter-mlops@localhost"
    to: tuple[str, ...] = ()
    username: str = ""
    password_env: str = ""
    starttls: bool = False

    @property
    def target(self) -> str:
        """What the delivery log names: the URL or the recipients."""
        return self.url if self.kind == "webhook" else ", ".join(self.to)

    def wants(self, event: str) -> bool:
        """Whether this channel takes `event` (`*` takes all)."""
        return "*" in self.events or event in self.events


def channel_from_dict(data: dict[str, Any]) -> Channel:
    """A channel from configuration: `{"url": ...}` is a webhook, `{"to": [...]}` email."""
    kind = str(data.get("kind") or ("webhook" if data.get("url") else "email"))
    if kind not in ("webhook", "email"):
        raise ValueError(f"notifications: kind must be webhook or email, not {kind!r}")
    if kind == "webhook" and not data.get("url"):
        raise ValueError("notifications: a webhook needs a url")
    if kind == "email" and not data.get("to"):
        raise ValueError("notifications: an email channel needs 'to' recipients")
    known = {name for name in Channel.__dataclass_fields__}
    values = {key: value for key, value in data.items() if key in known}
    for key in ("events", "to"):
        if key in values:
            raw = values[key]
            values[key] = tuple([raw] if isinstance(raw, str) else raw)
    values["kind"] = kind
    return Channel(**values)


@dataclass(frozen=True)
class TeamSettings:
    """Permissions' default, the admins, protected aliases and notification channels."""

    default_permission: str = "EDIT"
    admins: tuple[str, ...] = ()
    protected_aliases: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        """The form exported to child processes."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TeamSettings:
        """Read `to_json`'s form back."""
        data = json.loads(text)
        return cls(
            default_permission=str(data.get("default_permission", "EDIT")).upper(),
            admins=tuple(data.get("admins", ())),
            protected_aliases=tuple(data.get("protected_aliases", ())),
            channels=tuple(channel_from_dict(c) for c in data.get("channels", ())),
        )


_configured: TeamSettings | None = None


def configure(settings: TeamSettings | None) -> str | None:
    """Set this process's team settings (None: back to the environment's) and export them to
    child processes; returns the previous `$JUPYTER_MLOPS_TEAM` value to restore at stop."""
    global _configured
    _configured = settings
    previous = os.environ.get(TEAM_ENV)
    if settings is None:
        os.environ.pop(TEAM_ENV, None)
    else:
        os.environ[TEAM_ENV] = settings.to_json()
    return previous


def restore(previous: str | None) -> None:
    """Undo `configure` (a server stopping inside a longer-lived process)."""
    global _configured
    _configured = None
    if previous is None:
        os.environ.pop(TEAM_ENV, None)
    else:
        os.environ[TEAM_ENV] = previous


def get_settings() -> TeamSettings:
    """The settings configured in this process, else those exported by the server that
    started it, else the defaults."""
    if _configured is not None:
        return _configured
    text = os.environ.get(TEAM_ENV)
    if text:
        try:
            return TeamSettings.from_json(text)
        except (ValueError, TypeError):
            pass
    return TeamSettings()


def protected_aliases(model_tags: dict[str, str] | None = None) -> set[str]:
    """The aliases protected for a model: the configured ones plus its own tag
    `mlops.protected_aliases` (comma-separated)."""
    aliases = set(get_settings().protected_aliases)
    own = (model_tags or {}).get(PROTECTED_ALIASES_TAG, "")
    aliases.update(part.strip() for part in own.split(",") if part.strip())
    return aliases
