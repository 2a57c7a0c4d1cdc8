"""Shared by every capability: configuration, store, migrations, errors, the API base."""
