"""Foundation shared by every capability: configuration, the store, migrations, errors, the API base."""
