"""Start Voila on the dashboard notebooks, locked down and with bounded memory.

What ``voila.json`` (written into the server's own JUPYTER_CONFIG_DIR) sets (voila 0.5.13; see ``voila/app.py``, ``voila/configuration.py`` and
``voila/voila_kernel_manager.py``):

* Only ``notebooks/dashboard/`` is served (it is Voila's root dir and the kernels' working dir).
  ``/voila/files/`` serves nothing (``file_allowlist`` matches no file, ``file_denylist`` matches
  everything), so ``data/`` and every other file stay unreachable; sources are stripped, tracebacks
  hidden, no browser is opened, and the port is exactly the configured one (no port retries).
* Voila's kernel websocket only forwards comm messages, kernel_info and shutdown from the browser
  (``allowed_message_types`` in ``voila/app.py``): an ``execute_request`` from a page is dropped,
  so a visitor cannot run code.
* Kernels: a pool of pre-heated kernels per notebook (``preheat_kernel``; the notebook is already
  executed when a visitor arrives), refilled after each visit, under a hard cap of live kernels
  (setting ``dashboard_max_kernels``, pool included; :class:`.kernels.SignalenKernelManager`). A
  page gets a kernel from the pool only: when the pool is empty no kernel is started for it and the
  visitor gets ``503.html`` ("het dashboard is druk, probeer het zo opnieuw", reloading itself).
  The page shuts its kernel down when it is closed (Voila's ``beforeunload`` POST to
  ``/voila/api/shutdown/<id>``; that POST carries no XSRF token, so the XSRF check is off: a forged
  request could at most stop a kernel whose random id it knows). A kernel whose page is gone without
  that (crashed browser) is shut down ``dashboard_kernel_grace_seconds`` after its websocket closed,
  one whose page never connected (curl) after a minute. Connected kernels idle for
  ``cull_idle_timeout`` are not culled (``cull_connected=False``: a dashboard left open on an office
  display keeps its kernel).
* The kernel websocket (``SignalenWebsocketConnection``) does not forward the kernel's stderr or
  tracebacks (a malformed ``comm_open`` makes ipykernel log one with server paths).
* Each kernel reads the same settings as the server: they are written to a YAML file that
  ``SIGNALEN_CONFIG`` points to.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from signalen_lib.config import ENV_PREFIX, ConfigError, Settings, project_root

NOTEBOOK_DIR_NAME = Path("notebooks") / "dashboard"
MAIN_NOTEBOOK = "dashboard.ipynb"
TEMPLATE_NAME = "signalen"
# JupyterLab UI extensions installed in the venv have no business on the dashboard page (jupytext's
# fails to load there and both add requests).
LABEXTENSIONS_DENIED = ["jupyterlab-jupytext", "@voila-dashboards/jupyterlab-preview"]
# The browser may load and connect to this server only: even a widget or chart that tried to
# reach a CDN or post data elsewhere is refused by the browser. Voila's page scripts are inline
# and Vega compiles its expressions, hence 'unsafe-inline' and 'unsafe-eval' for scripts.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])
SECURITY_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "Content-Security-Policy": CONTENT_SECURITY_POLICY}


# a visitor beyond the kernel cap (see kernels.py): no kernel, no assets, retry in a few seconds
BUSY_PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Signaalmanagement: het dashboard is druk</title>
<style>body{font-family:sans-serif;margin:4em auto;max-width:36em;color:#222}</style></head>
<body><h1 id="signalen-druk">Het dashboard is druk, probeer het zo opnieuw.</h1>
<p>Er kijken nu veel mensen tegelijk. Deze pagina probeert het over enkele seconden vanzelf opnieuw.</p>
</body></html>
"""


def notebook_dir() -> Path:
    """``notebooks/dashboard`` of the checkout (or SIGNALEN_HOME)."""
    for base in (project_root(), Path(__file__).resolve().parents[2]):
        d = base / NOTEBOOK_DIR_NAME
        if (d / MAIN_NOTEBOOK).exists():
            return d
    raise FileNotFoundError(f"dashboard notebooks not found in {project_root() / NOTEBOOK_DIR_NAME}")


def dashboard_url(settings: Settings, port: int | None = None, host: str | None = None) -> str:
    return f"http://{host or settings.dashboard_host}:{port or settings.dashboard_port}/voila/render/{MAIN_NOTEBOOK}"


def voila_config(settings: Settings, *, port: int | None = None, host: str | None = None, pool_size: int = 2,
                 cull_idle_timeout: int = 600, cull_interval: int = 60, max_kernels: int | None = None) -> dict:
    """The traitlets configuration (``voila.json``) of the dashboard's Voila."""
    pool_size = max(0, int(pool_size))
    max_kernels = int(settings.dashboard_max_kernels if max_kernels is None else max_kernels)
    pooled = pool_size + min(pool_size, 1)  # dashboard.ipynb + complimenten.ipynb
    if max_kernels < pooled + 1:
        raise ConfigError(f"setting 'dashboard_max_kernels': {max_kernels} leaves no kernel for a visitor next to "
                          f"the {pooled} pre-heated ones (pool size {pool_size}); use at least {pooled + 1}")
    return {
        "Voila": {
            "ip": host or settings.dashboard_host,
            "port": int(port or settings.dashboard_port),
            "port_retries": 0,
            "open_browser": False,
            # disable_check_xsrf: Voila's page posts /voila/api/shutdown/<kernel> on beforeunload
            # without an _xsrf token; with the check on, every closed tab leaves its kernel running.
            "tornado_settings": {"headers": SECURITY_HEADERS, "disable_check_xsrf": True},
            "kernel_websocket_connection_class": "signalen_lib.dashboard.kernels.SignalenWebsocketConnection",
        },
        "VoilaConfiguration": {
            "file_allowlist": [],
            "file_denylist": [".*"],
            "strip_sources": True,
            "show_tracebacks": False,
            "template": TEMPLATE_NAME,
            "theme": "light",
            "extension_denylist": LABEXTENSIONS_DENIED,
            "preheat_kernel": True,
            "default_pool_size": pool_size,
            "multi_kernel_manager_class": "signalen_lib.dashboard.kernels.SignalenKernelManager",
        },
        "VoilaKernelManager": {
            # the compliments wall is one display per office: one warm kernel is enough
            "kernel_pools_config": {"default": {"pool_size": pool_size},
                                    "complimenten.ipynb": {"pool_size": min(pool_size, 1)}},
            "fill_delay": 0,
        },
        "SignalenKernelManager": {
            "max_kernels": max_kernels,
            "orphan_grace": float(settings.dashboard_kernel_grace_seconds),
            "connect_grace": float(max(60, settings.dashboard_kernel_grace_seconds)),
            "reap_interval": float(min(5, max(1, settings.dashboard_kernel_grace_seconds / 3))),
        },
        "MappingKernelManager": {
            "cull_idle_timeout": int(cull_idle_timeout),
            "cull_interval": int(cull_interval),
            "cull_connected": False,
            "cull_busy": False,
        },
    }


def voila_args(settings: Settings, *, port: int | None = None, host: str | None = None,
               notebooks: Path | None = None) -> list[str]:
    """The ``voila`` command line (without the executable); the rest is in ``voila.json``."""
    nb_dir = notebooks or notebook_dir()
    return [str(nb_dir), "--no-browser", f"--Voila.ip={host or settings.dashboard_host}",
            f"--Voila.port={int(port or settings.dashboard_port)}"]


def write_template(data_dir: Path) -> Path:
    """Voila template ``signalen``: the installed ``lab`` template without its CDN stylesheets.

    Voila 0.5's ``lab/index.html.j2`` links Font Awesome from a public CDN; the dashboard uses
    no icons and must not touch the network, so those lines are dropped. Written into a Jupyter
    data dir (``JUPYTER_PATH``) so Voila finds it; everything else comes from ``lab``.
    """
    import voila.paths

    lab = None
    for root in voila.paths.jupyter_path("voila", "templates"):
        cand = Path(root) / "lab" / "index.html.j2"
        if cand.exists():
            lab = cand
            break
    if lab is None:
        raise FileNotFoundError("voila's lab template (index.html.j2) not found")
    def without_cdn(path: Path) -> str:
        return "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines() if "//cdn" not in ln) + "\n"

    tdir = data_dir / "voila" / "templates" / TEMPLATE_NAME
    tdir.mkdir(parents=True, exist_ok=True)
    (tdir / "index.html.j2").write_text(without_cdn(lab), encoding="utf-8")
    # the pages around the dashboard (error pages) use page.html: the same, without the CDN link
    base_page = lab.parent.parent / "base" / "page.html"
    (tdir / "signalen-base-page.html").write_text(without_cdn(base_page), encoding="utf-8")
    (tdir / "page.html").write_text(
        without_cdn(lab.parent / "page.html").replace("voila/templates/base/page.html", "signalen-base-page.html"),
        encoding="utf-8")
    # the server's root address opens the dashboard instead of a file listing of the notebooks
    redirect = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0; url={{{{ base_url }}}}voila/render/{MAIN_NOTEBOOK}">'
                '<title>Signaalmanagement</title></head><body>'
                f'<p><a href="{{{{ base_url }}}}voila/render/{MAIN_NOTEBOOK}">Naar het dashboard</a></p></body></html>\n')
    for name in ("tree.html", "tree-lab.html"):
        (tdir / name).write_text(redirect, encoding="utf-8")
    (tdir / "503.html").write_text(BUSY_PAGE, encoding="utf-8")
    (tdir / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    return data_dir


def voila_env(settings: Settings, config_path: Path) -> dict[str, str]:
    """Environment for Voila and its kernels: the settings as one YAML file, no stray overrides."""
    data = {}
    for k, v in settings.model_dump().items():
        data[k] = str(v) if isinstance(v, Path) else v
    config_path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX) or k == ENV_PREFIX + "HOME"}
    env[ENV_PREFIX + "CONFIG"] = str(config_path)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # keep Jupyter from looking for user-wide config that could loosen these settings
    env["JUPYTER_CONFIG_DIR"] = str(config_path.parent / "jupyter_config")
    Path(env["JUPYTER_CONFIG_DIR"]).mkdir(parents=True, exist_ok=True)
    data_dir = write_template(config_path.parent / "jupyter_data")
    env["JUPYTER_PATH"] = os.pathsep.join([str(data_dir)] + ([env["JUPYTER_PATH"]] if env.get("JUPYTER_PATH") else []))
    return env


def start(settings: Settings, *, port: int | None = None, host: str | None = None, pool_size: int = 2,
          cull_idle_timeout: int = 600, cull_interval: int = 60, log_path: Path | None = None,
          notebooks: Path | None = None, max_kernels: int | None = None) -> subprocess.Popen:
    """Start Voila in the background; returns the process (stop it with ``terminate()``)."""
    nb_dir = notebooks or notebook_dir()
    tmp = Path(tempfile.mkdtemp(prefix="signalen-voila-"))
    env = voila_env(settings, tmp / "settings.yaml")
    conf = voila_config(settings, port=port, host=host, pool_size=pool_size, cull_idle_timeout=cull_idle_timeout,
                        cull_interval=cull_interval, max_kernels=max_kernels)
    (Path(env["JUPYTER_CONFIG_DIR"]) / "voila.json").write_text(json.dumps(conf, indent=1), encoding="utf-8")
    cmd = [sys.executable, "-m", "voila", *voila_args(settings, port=port, host=host, notebooks=nb_dir)]
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    return subprocess.Popen(cmd, cwd=str(nb_dir), env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_ready(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until the server answers ``url`` (the tree page); raises RuntimeError on timeout or exit."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"voila exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"voila did not answer {url} within {timeout:.0f} s")


def serve(settings: Settings, **kwargs) -> int:
    """Run Voila in the foreground until interrupted; returns its exit code."""
    proc = start(settings, **kwargs)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return stop(proc, timeout=15)


def stop(proc: subprocess.Popen, timeout: float = 20) -> int:
    """Terminate a Voila server (SIGTERM, then SIGKILL after ``timeout``); returns its exit code."""
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
