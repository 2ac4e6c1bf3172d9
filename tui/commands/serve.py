"""``crossroads serve``: run the cohort server on the story bank (see docs/server.md)."""

from __future__ import annotations

import ipaddress
import logging
import sys
from typing import Any

from crossroads.engine.diagnostics import UsageError
from crossroads.tui.commands._common import add_bank_option


def register(sub: Any) -> None:
    """Add the ``serve`` subcommand."""
    p = sub.add_parser(
        "serve",
        help="run the cohort server: the one program that opens a shared story bank",
        description="Serve the story bank over HTTP to learners and facilitators holding "
        "tokens it issued. Off this machine it needs TLS (--certfile/--keyfile) or a reverse "
        "proxy in front of it.",
    )
    add_bank_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                   "127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--certfile", metavar="FILE", help="TLS certificate (PEM)")
    p.add_argument("--keyfile", metavar="FILE", help="TLS private key (PEM)")
    p.add_argument("--insecure-http", action="store_true",
                   help="allow plain HTTP on an address other machines can reach (only behind "
                   "a TLS-terminating reverse proxy)")
    p.add_argument("--proxy-headers", action="store_true",
                   help="trust X-Forwarded-For from a reverse proxy on 127.0.0.1 (the client "
                   "address that rate limits count by)")
    p.set_defaults(func=run_serve)


def is_loopback(host: str) -> bool:
    """True when ``host`` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args: Any) -> int:
    """Check the options, open the bank and serve until interrupted."""
    if bool(args.certfile) != bool(args.keyfile):
        raise UsageError("give both --certfile and --keyfile for TLS")
    if not is_loopback(args.host) and not args.certfile and not args.insecure_http:
        raise UsageError(
            f"refusing to serve plain HTTP on {args.host}: tokens and reflections would cross "
            "the network unencrypted; give --certfile and --keyfile, or --insecure-http behind "
            "a TLS-terminating reverse proxy"
        )
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {args.port}")
    import uvicorn

    from crossroads.server import create_app

    app = create_app(args.bank)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheme = "https" if args.certfile else "http"
    print(f"crossroads serve: {scheme}://{args.host}:{args.port} on the bank {app.state.bank_url} "
          "(Ctrl+C stops)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.certfile,
                ssl_keyfile=args.keyfile, access_log=False, proxy_headers=args.proxy_headers,
                log_level="info", server_header=False)
    return 0
