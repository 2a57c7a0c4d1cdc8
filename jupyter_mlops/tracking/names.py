"""Readable default run names (`brave-otter-417`), as MLflow gives its runs."""

from __future__ import annotations

import random

_ADJECTIVES = (
    "able", "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair",
    "fast", "gentle", "glad", "grand", "happy", "keen", "kind", "lively", "lucky", "merry",
    "mighty", "neat", "noble", "polite", "proud", "quick", "quiet", "rapid", "sharp", "shy",
    "silent", "smart", "steady", "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty",
)  # fmt: skip
_NOUNS = (
    "badger", "bear", "crane", "deer", "dolphin", "eagle", "falcon", "finch", "fox", "gecko",
    "heron", "ibis", "jay", "koala", "lark", "lemur", "lynx", "mole", "newt", "otter", "owl",
    "panda", "puffin", "quail", "raven", "robin", "seal", "shrew", "sloth", "stork", "swan",
    "tapir", "tiger", "trout", "vole", "wasp", "whale", "wolf", "wren", "yak",
)  # fmt: skip


def random_run_name() -> str:
    """An adjective, an animal and a number."""
    return f"{random.choice(_ADJECTIVES)}-{random.choice(_NOUNS)}-{random.randint(100, 999)}"
