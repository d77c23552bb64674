"""Starting the server: the app under uvicorn, with our own access log and connection guards."""
from __future__ import annotations

from ..errors import UserError
from .config import ServeConfig


def serve_forever(config: ServeConfig) -> None:
    try:
        import uvicorn
    except ImportError:  # the serve extra is not installed
        raise UserError("valuate serve needs uvicorn and starlette: pip install 'valuate[serve]'") from None
    from .app import build_app
    from .protocol import guarded_protocol

    app = build_app(config)  # loads the policy now: a broken pack stops here with its message
    uvicorn.run(app, host=config.host, port=config.port, access_log=False, log_level="warning",
                timeout_graceful_shutdown=5, http=guarded_protocol(config.max_connections, config.read_timeout))
