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
    p.add_argument("--web", action="store_true",
                   help="also serve the player in a browser at /play (needs the 'web' extra: "
                   "pip install 'crossroads[web]')")
    p.add_argument("--web-sessions", type=int, default=30, metavar="N",
                   help="with --web: browser sessions at once (default 30; then 'the room is "
                   "full')")
    p.add_argument("--web-idle", type=float, default=20, metavar="MINUTES",
                   help="with --web: end a browser session after this long without a key "
                   "(default 20)")
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
    if args.web_sessions < 1 or args.web_idle <= 0:
        raise UsageError("--web-sessions must be at least 1 and --web-idle more than 0")
    import uvicorn

    from crossroads.server import create_app

    scheme = "https" if args.certfile else "http"
    app = create_app(args.bank)
    web = ""
    if args.web:
        from crossroads.server.web import create_web_app

        local = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        local = f"[{local}]" if ":" in local else local
        app = create_web_app(app, f"{scheme}://{local}:{args.port}",
                             max_sessions=args.web_sessions, idle_s=args.web_idle * 60)
        web = f"; the player in a browser at {scheme}://{args.host}:{args.port}/play"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"crossroads serve: {scheme}://{args.host}:{args.port} on the bank {app.state.bank_url}"
          f"{web} (Ctrl+C stops)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.certfile,
                ssl_keyfile=args.keyfile, access_log=False, proxy_headers=args.proxy_headers,
                log_level="info", server_header=False)
    return 0
