"""Readers (one per file format) and the goal-table parser.

Readers turn bytes into the format-neutral model of ``extract.model``; the parser in
``extract.parser`` works only on that model.
"""
