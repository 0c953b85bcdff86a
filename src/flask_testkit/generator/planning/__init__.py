"""Planning the cases: decide, from what was read and probed, which tests to write.

For every endpoint this stage finds a request that succeeds (a body, the rows its URL points at,
how to sign in), then the ways the endpoint refuses one: a missing row, no credentials, a bad body,
a method it does not allow. It also decides each model's factory and the values model tests pass
in and expect back. Its output is plain data; nothing here writes source.
"""
