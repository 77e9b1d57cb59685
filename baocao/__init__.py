"""baocao: questions and fact-checks over Vietnamese government reports.

The shared base of every package: one settings object and one error hierarchy.
Dependencies point one way: ``baocao`` (settings, errors) <- ``ingest`` <- ``qa`` <- ``ui``, ``eval``,
and ``baocao.cli`` sits at the edge, importing whichever of them a command needs.
"""

from baocao.errors import BaocaoError
from baocao.settings import Settings

__all__ = ["BaocaoError", "Settings"]
__version__ = "0.1.0"
