"""Business rules: each service validates its input, enforces permissions and owns the commit."""
