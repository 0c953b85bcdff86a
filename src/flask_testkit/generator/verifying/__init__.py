"""Verifying the suite: run the rendered tests before any of them is written.

The rendered files are placed in a scratch copy of the project and run there with pytest, in a
child process, twice in a shuffled order (seeds printed) on SQLite, then in the second of those
orders on the database the user named, so that a difference there comes from the backend. A test
that is not clean in every run is run once more on its own, then left out of the sources, and
the remaining suite is run again to confirm it passes. The figures of the summary (tests,
endpoints with a happy path and an error case, line coverage) come from these runs.
"""
