"""Batch runs, Parquet output, manifests and the ``goaltables`` command line."""

__version__ = "0.1.0"
