"""`flask-testkit audit`: a suite checked against the guide's "Don't" rules."""
