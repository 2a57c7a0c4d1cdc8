"""MLflow compatibility: MLflow's REST API over the workbench's store, and an MLflow importer.

`handlers` mounts MLflow's tracking REST API 2.0 and its `mlflow-artifacts` proxy under
`/mlops/mlflow/api/2.0/...`, so `MLFLOW_TRACKING_URI=http://HOST:PORT/mlops/mlflow` makes
unmodified MLflow code log into the workbench (`facade` does the work, `messages` holds MLflow's
JSON shapes). `importer` copies an existing MLflow store in (`jupyter-mlops import-mlflow`).
MLflow itself stays optional: only the importer imports it, inside its functions.
"""
