"""The web page and JSON API of baocao: Gradio mounted on FastAPI, one process (``baocao serve``).

Gradio is imported only inside ``ui``, and only when an app is built: ``baocao users add`` needs
``ui.auth`` alone.
"""

from __future__ import annotations

import os
from typing import Any

# Gradio's telemetry is off whatever the environment says (read when Gradio would report)
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from ui.auth import Users, add_user  # noqa: E402

__all__ = ["Users", "add_user", "build_app", "serve"]


def __getattr__(name: str) -> Any:
    # the app pulls in FastAPI, Gradio and the engine: loaded on first use, not on `import ui`
    if name in ("build_app", "serve"):
        from ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
