"""Drift monitoring: `drift(reference, current)` on mergeable summaries, monitors on endpoints.

Importing this package imports nothing heavy; `jupyter_mlops.drift` loads what it needs.
"""

from .display import register as _register_display

# A kernel shows drift reports as their figure: hook it into IPython's display.
_register_display()
