"""The file formats ingest reads, named without importing their parsers.

The folder walk, the web page's upload field and the loaders share these; importing
``ingest.load`` brings pypdf and python-docx (a quarter of a second), which answering a question
never needs.
"""

from __future__ import annotations

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
BYTES_PER_MB = 1024 * 1024
