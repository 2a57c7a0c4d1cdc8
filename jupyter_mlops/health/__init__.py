"""Health of the installation: version, store, schema and which capabilities are present."""

from .service import CapabilityStatus, Health, format_health, get_health, status

__all__ = ["CapabilityStatus", "Health", "format_health", "get_health", "status"]
