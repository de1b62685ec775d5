"""The sync: its status, problems and activity, conflicts to settle and the first sync's review."""
