"""Writing the suite: put the rendered files in place, and never overwrite without being asked.

Files are written as one transaction (all renames or none), shown as a diff for ``--dry-run``, or
merged into an existing suite by ``--update`` without touching a line that is already there.
"""
