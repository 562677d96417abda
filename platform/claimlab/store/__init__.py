"""Database layer: models, engine, migrations; ORM objects never leave this package."""
