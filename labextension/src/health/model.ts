/** Mirrors `jupyter_mlops.health.service.CapabilityStatus`. */
export interface ICapabilityStatus {
  name: string;
  title: string;
  available: boolean;
}

/** Mirrors `jupyter_mlops.health.service.Health`. */
export interface IHealth {
  version: string;
  store_url: string;
  store_backend: string;
  schema_revision: string[];
  schema_head: string[];
  schema_up_to_date: boolean;
  data_dir: string;
  capabilities: ICapabilityStatus[];
}
