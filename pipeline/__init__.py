"""pipeline: Vietnamese lessons -> PO catalogs -> per-language course trees.

The public API is :mod:`pipeline.api`: ``extract``, ``update``, ``build`` and
``rebuild``, each taking a project root and returning a report.
"""

from __future__ import annotations

__version__ = "0.1.0"
