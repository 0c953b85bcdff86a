"""The smoke project is run by `.ci/run` against the built wheel, never by this suite."""

# Its tests need the project's own configuration (flask_app) and a copy of it in a folder of
# their own, which check.py sets up; collected from here they would run against the checkout.
collect_ignore_glob = ["*"]
