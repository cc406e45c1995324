"""One module per file format; each exposes ``read(data: bytes) -> Document``."""
