"""The database: SQLModel tables, engine and migrations, and repositories that speak domain objects."""
