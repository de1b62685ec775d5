"""Settings: business details, email, integrations."""
