"""Local servers (the preview, the intake form): is the port free before anything starts?"""

from __future__ import annotations

import errno
import socket

from ecopole_kit.errors import PortBusy


def ensure_port_free(host: str, port: int) -> None:
    """Raise PortBusy when another program already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortBusy(host=host, port=port) from None
            raise
