"""Experiment tracking: runs with params, metrics, tags and artifacts, in the shared store.

`store.TrackingStore` is the service (used by the REST handlers and the Python API);
`fluent` is the notebook API re-exported as `jupyter_mlops.start_run`, `log_metric`, ...;
`magics` adds `%%track`, `%mlops runs` and `%mlops compare`.
"""
