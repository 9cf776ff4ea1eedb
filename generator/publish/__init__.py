"""Open data: Frictionless data packages built from the disclosure-checked tables."""
