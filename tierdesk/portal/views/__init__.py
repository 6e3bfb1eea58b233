"""Portal views: thin adapters over ``portal.accounts``, ``portal.services`` and the lifecycle."""
