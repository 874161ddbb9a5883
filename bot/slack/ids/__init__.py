"""Action, callback and block ids: namespaced string enums shared by builders and listeners, one module per area."""
