"""Probing the app: run candidate requests and model calls, and record what really happens.

Each probe runs against the app in its testing configuration, on the database the generated suite
will use, inside a rolled-back transaction, with a time limit, no network and no other database
(an endpoint that opens one is left out). What a probe returns
(status, body, the exception a 5xx came from, the columns a model member read) is the evidence the
planning stage chooses cases from.
"""
