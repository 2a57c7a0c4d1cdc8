"""Team services every capability calls: who acts, what they may do, what they did, who hears.

- `identity`: the acting user (a contextvar set per request; the process's user otherwise);
- `permissions`: READ / EDIT / MANAGE per experiment and registered model;
- `audit`: the insert-only audit trail;
- `approvals`: requests to move a protected alias, decided by a second user with MANAGE;
- `notifications`: events queued in the store (an outbox) and delivered off the request path
  to webhooks and SMTP;
- `settings`: the team configuration (`MLOpsApp.default_permission`, `team_admins`,
  `protected_aliases`, `notifications`), shared with the processes the server starts.

They sit in `core` (below every capability) so a capability's service can call them inside its
own write session; the REST routes and the CLI are adapters in `jupyter_mlops/team/`.
"""
