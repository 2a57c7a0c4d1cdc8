"""Who is acting: the Jupyter user of a request, else the user this process acts for.

The REST layer (`core.rest.APIHandler.prepare`) sets the actor of each request from Jupyter's
`IdentityProvider` (the user's name under JupyterHub). Everything a request runs (threads
started with `asyncio.to_thread` copy the context) sees that actor through `current_actor()`.
Outside a request, the actor is the process's user: `$JUPYTER_MLOPS_USER` (set for kernels,
job runs and endpoints started for a user), else `$JUPYTERHUB_USER`, else the OS user; its
source (`lab`, `rest`, `cli`, `facade`, `job`, `python`, `server`) is `$JUPYTER_MLOPS_SOURCE`,
else `python`.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

USER_ENV = "JUPYTER_MLOPS_USER"
SOURCE_ENV = "JUPYTER_MLOPS_SOURCE"
SOURCES = ("lab", "rest", "cli", "facade", "job", "python", "server", "endpoint")


@dataclass(frozen=True)
class Actor:
    """A user acting through one entry point (`source`: lab, rest, cli, facade, job, ...)."""

    name: str
    source: str


_actor: ContextVar[Actor | None] = ContextVar("jupyter_mlops_actor", default=None)


# The OS user, looked up once per process (pid: a forked child looks again): `getpass` reads
# four environment variables and then the password database, for every run started otherwise.
_os_user: tuple[int, str] | None = None


def process_user() -> str:
    """The user this process acts for when no request says otherwise."""
    global _os_user
    for key in (USER_ENV, "JUPYTERHUB_USER"):
        value = os.environ.get(key, "").strip()
        if value:
            return value
    if _os_user is not None and _os_user[0] == os.getpid():
        return _os_user[1]
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    _os_user = (os.getpid(), name)
    return name


def process_source() -> str:
    """The entry point this process acts through when no request says otherwise."""
    source = os.environ.get(SOURCE_ENV, "").strip()
    return source if source in SOURCES else "python"


def current_actor() -> Actor:
    """The actor of the current request or task, else the process's user."""
    actor = _actor.get()
    return actor if actor is not None else Actor(process_user(), process_source())


def current_user() -> str:
    """The acting user's name."""
    return current_actor().name


def set_actor(actor: Actor) -> Token[Actor | None]:
    """Make `actor` the current one in this context; give the token to `reset_actor`."""
    return _actor.set(actor)


def reset_actor(token: Token[Actor | None]) -> None:
    """Undo `set_actor`."""
    _actor.reset(token)


@contextmanager
def acting_as(name: str, source: str = "python") -> Iterator[Actor]:
    """Run a block as `name` (e.g. the scheduler running a job for its owner)."""
    token = set_actor(Actor(name, source))
    try:
        yield current_actor()
    finally:
        reset_actor(token)


_ANONYMOUS = re.compile(r"[0-9a-f]{32}")


def request_user(user: Any) -> str:
    """The name a request acts under, from Jupyter's `User`.

    A plain single-user server's `IdentityProvider` gives every token client and browser a new
    anonymous user (a random hex username, "Anonymous ..." as name): they all are the person
    who runs the server, so they act as `process_user()`. Named users (JupyterHub, a configured
    identity provider) act under their own name.
    """
    username = str(getattr(user, "username", "") or "")
    name = str(getattr(user, "name", "") or "")
    if not username or (_ANONYMOUS.fullmatch(username) and name.startswith("Anonymous ")):
        return process_user()
    return username


def request_source(path: str, authorization: str | None) -> str:
    """Where a REST request comes from: the MLflow facade, a token client (`rest`, the CLI
    and scripts) or the Lab (a browser session, authenticated by its cookie)."""
    if "/mlops/mlflow/" in path or "/api/2.0/mlflow" in path:
        return "facade"
    if authorization:
        return "rest"
    return "lab"


def child_environment(actor: Actor | None = None, source: str | None = None) -> dict[str, str]:
    """Environment variables that make a child process (kernel, job run, endpoint) act as
    `actor` (default: the current one)."""
    actor = actor or current_actor()
    return {USER_ENV: actor.name, SOURCE_ENV: source or actor.source}
