"""The team's adapters: REST routes (audit, permissions, approvals, deliveries) and the CLI.

The services are in `jupyter_mlops.core.team` (below every capability, which call them); this
package sits at the top with the other adapters, so approving a request can move the alias
through serving's registry and supervisor.
"""
