"""Rendering the suite: turn the planned cases into Python source.

Templates give the conftest, the factories and the test modules; the modules here write one test
function per case, the assertions from what the probe saw, and the layout of the guide
(``tests/integration`` by blueprint, ``tests/unit`` for models). The files are formatted with ruff
when it is installed.
"""
