"""Drift monitoring: `drift(reference, current)` on mergeable summaries, monitors on endpoints.

Importing this package imports nothing heavy; `jupyter_mlops.drift` loads what it needs.
"""
