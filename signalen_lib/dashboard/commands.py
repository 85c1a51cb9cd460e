"""``signalen serve``: the staff dashboard in Voila."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml)."),
        port: Optional[int] = typer.Option(None, help="Port (default: setting dashboard_port, 8866)."),
        host: Optional[str] = typer.Option(None, help="Interface to listen on (default: setting dashboard_host, 127.0.0.1)."),
        pool_size: int = typer.Option(2, help="Pre-heated kernels kept ready per dashboard notebook."),
        cull_idle_timeout: int = typer.Option(600, help="Seconds without activity after which a visitor's kernel is shut down."),
        cull_interval: int = typer.Option(60, help="Seconds between checks for idle kernels."),
    ) -> None:
        """Serve the dashboard (Voila) on http://HOST:PORT/voila/render/dashboard.ipynb."""
        from signalen_lib.config import load_config
        from signalen_lib.dashboard.serve import dashboard_url, serve

        settings = load_config(config)
        typer.echo(f"dashboard: {dashboard_url(settings, port, host)}  (Ctrl-C stops)")
        code = serve(settings, port=port, host=host, pool_size=pool_size,
                     cull_idle_timeout=cull_idle_timeout, cull_interval=cull_interval)
        if code:
            raise typer.Exit(code)
